// Raw KSR imports with their lowered signatures, as a hostile script declares them to hand the host
// pointers and lengths of its own choosing (the SDK always passes valid ones).

// @ts-ignore: decorator
@external('kemi:ksr/core@0.1.0', 'crit')
export declare function raw_crit(msg_ptr: usize, msg_len: usize): void;

// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'getw')
export declare function raw_getw(name_ptr: usize, name_len: usize, ret_area: usize): void;

// @ts-ignore: decorator
@external('kemi:ksr/pv@0.1.0', 'sets')
export declare function raw_sets(name_ptr: usize, name_len: usize, value_ptr: usize, value_len: usize): void;

// @ts-ignore: decorator
@external('kemi:ksr/xlog@0.1.0', 'xinfo')
export declare function raw_xinfo(format_ptr: usize, format_len: usize): void;
