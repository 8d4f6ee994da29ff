//! Cancelling a 1 GB load: the decoder stops using CPU and gives back its memory within a
//! second. The dump is generated as it is read (an rtcstats v3 call in Chrome's full-report
//! shape, counters counting), so the test needs neither a gigabyte of disk nor of memory.
//!
//! One test in its own binary: it counts the process's live heap bytes and CPU time, which
//! other tests running beside it would disturb.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{self, Read};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use rtcscope::decode::{DecodeError, DecodeOptions, decode_reader};
use rtcscope::source::Progress;

/// The system allocator, counting the bytes it has handed out and not yet had back.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; the counter has no effect on it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const GIB: u64 = 1 << 30;

/// An rtcstats v3 dump of `total` bytes, written as it is read: one connection polled each
/// second with full reports (as Chrome writes them), every counter advancing.
struct Call {
    total: u64,
    produced: u64,
    poll: u64,
    line: Vec<u8>,
    pos: usize,
}

impl Call {
    fn new(total: u64) -> Self {
        let head = "RTCStatsDump\n{\"fileFormat\":3}\n\
                    [\"create\",\"1-1\",{\"iceServers\":[]},1700000000000]\n";
        Call {
            total,
            produced: 0,
            poll: 0,
            line: head.as_bytes().to_vec(),
            pos: 0,
        }
    }

    /// The next poll's line: 40 inbound streams, each with a dozen counters.
    fn next_line(&mut self) {
        use std::fmt::Write;
        let t = self.poll;
        let mut s = String::from("[\"getStats\",\"1-1\",{");
        for ssrc in 0..40u64 {
            if ssrc > 0 {
                s.push(',');
            }
            let _ = write!(
                s,
                "\"IT01V{ssrc}\":{{\"type\":\"inbound-rtp\",\"timestamp\":{ts},\"ssrc\":{ssrc},\
                 \"kind\":\"video\",\"packetsReceived\":{p},\"bytesReceived\":{b},\
                 \"packetsLost\":{l},\"jitter\":{j},\"framesDecoded\":{f},\"framesReceived\":{f},\
                 \"keyFramesDecoded\":{k},\"totalDecodeTime\":{d},\"nackCount\":{l},\
                 \"firCount\":0,\"pliCount\":{k},\"jitterBufferDelay\":{d}}}",
                ts = 1_700_000_000_000 + t * 1000,
                p = t * 90 + ssrc,
                b = t * 120_000 + ssrc * 7,
                l = t / 50,
                j = (t % 7) as f64 / 1000.0,
                f = t * 30,
                k = t / 100,
                d = t as f64 * 0.125,
            );
        }
        s.push_str("},1000]\n");
        self.poll += 1;
        self.line = s.into_bytes();
        self.pos = 0;
    }
}

impl Read for Call {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.produced >= self.total {
            return Ok(0);
        }
        if self.pos == self.line.len() {
            self.next_line();
        }
        let left = (self.total - self.produced) as usize;
        let n = buf.len().min(self.line.len() - self.pos).min(left);
        buf[..n].copy_from_slice(&self.line[self.pos..self.pos + n]);
        self.pos += n;
        self.produced += n as u64;
        Ok(n)
    }
}

/// This process's user and system CPU time so far.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // The kernel's USER_HZ is 100 on every Linux this runs on.
    Duration::from_millis(ticks * 10)
}

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "reads /proc/self/stat")]
fn cancelling_a_1_gb_load_stops_cpu_and_frees_memory_within_a_second() {
    let before = live();
    let progress = Progress::default();
    progress.set_total(GIB);
    let reader = progress.wrap(Call::new(GIB));
    let options = DecodeOptions {
        size_hint: Some(GIB),
        ..DecodeOptions::default()
    };
    let worker = std::thread::spawn(move || decode_reader(reader, &options));

    // Let it get well into the call: 64 MB in, or 20 s (a slow debug build).
    let start = Instant::now();
    while progress.bytes_read() < 64 << 20 && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let read = progress.bytes_read();
    assert!(read > 4 << 20, "only {read} bytes read in 20 s");
    let held = live() - before;
    assert!(
        held > 4 << 20,
        "the load held only {held} bytes after reading {read}: the generated call is not decoded"
    );

    progress.cancel();
    let cancelled = Instant::now();
    while !worker.is_finished() {
        assert!(
            cancelled.elapsed() < Duration::from_secs(1),
            "the decoder still runs 1 s after cancel"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let stopped = cancelled.elapsed();
    let result = worker.join().unwrap();
    assert!(
        matches!(result, Err(DecodeError::Cancelled)),
        "{:?}",
        result.map(|d| d.peer_connections.len())
    );
    drop(result);

    // Nothing keeps working after the result came back: no pool thread still parsing.
    let cpu = cpu_time();
    std::thread::sleep(Duration::from_millis(500));
    let spent = cpu_time().saturating_sub(cpu);
    assert!(
        spent < Duration::from_millis(100),
        "{spent:?} of CPU in the 500 ms after the cancelled load returned"
    );

    // Everything the load held is given back; a little slack for the thread pool's own.
    let left = live() - before;
    assert!(
        left < 1 << 20,
        "{left} bytes still held after cancel (the load held {held}); stopped in {stopped:?}"
    );
    eprintln!(
        "read {} MB, held {} MB, stopped {stopped:?} after cancel, {left} bytes left",
        read >> 20,
        held >> 20
    );
}
