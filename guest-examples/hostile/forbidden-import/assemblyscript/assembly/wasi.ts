// A WASI import: the list of preopened directories, the first step to reading the server's files.
// Lowered signature of get-directories: func() -> list<...>: a return area pointer.

// @ts-ignore: decorator
@external('wasi:filesystem/preopens@0.2.0', 'get-directories')
export declare function get_directories(ret_area: usize): void;
