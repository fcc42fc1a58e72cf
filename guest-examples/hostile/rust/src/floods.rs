//! Attacks the host through its own functions: endless log lines, endless KSR calls.

pub fn log_flood() {
    let line = "flood ".repeat(170);
    loop {
        ksr::info(&line);
    }
}

pub fn ksr_flood() {
    loop {
        ksr::setflag(1);
    }
}
