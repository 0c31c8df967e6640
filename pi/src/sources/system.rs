//! `system:` metrics. Each reader refreshes only the kind it reads, so a source tick costs one
//! small /proc or statvfs read.

use sysinfo::{Disk, Disks, Networks, System};
use tinydisplay::Value;

pub(crate) enum Reader {
    Cpu(Box<System>),
    Load1,
    Mem(Box<System>),
    Temp,
    Disk(Option<Box<Disk>>),
    Uptime,
    Ip,
    Hostname,
    Wifi,
}

impl Reader {
    pub(crate) fn new(metric: &str) -> Reader {
        match metric {
            "cpu" => {
                // CPU use is a difference between two readings: take the first one now.
                let mut s = System::new();
                s.refresh_cpu_usage();
                // A shorter interval gives sysinfo nothing to compare (it reads near 100).
                std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
                Reader::Cpu(Box::new(s))
            }
            "load1" => Reader::Load1,
            "mem" => Reader::Mem(Box::new(System::new())),
            "temp" => Reader::Temp,
            "disk" => Reader::Disk(root_disk()),
            "uptime" => Reader::Uptime,
            "ip" => Reader::Ip,
            "hostname" => Reader::Hostname,
            _ => Reader::Wifi,
        }
    }

    /// The metric now, or why it is not available: (kind of failure, message).
    pub(crate) fn read(&mut self) -> Result<Value, (&'static str, String)> {
        match self {
            Reader::Cpu(s) => {
                s.refresh_cpu_usage();
                Ok(Value::Int(
                    (s.global_cpu_usage().round() as i64).clamp(0, 100),
                ))
            }
            // Hundredths, so that integer events keep two decimals (0.57 -> 57).
            Reader::Load1 => Ok(Value::Int(
                (System::load_average().one * 100.0).round() as i64
            )),
            Reader::Mem(s) => {
                s.refresh_memory();
                let total = s.total_memory();
                if total == 0 {
                    return Err(("mem", "no memory information".into()));
                }
                Ok(Value::Int(percent(s.used_memory(), total)))
            }
            Reader::Temp => thermal_zone0().map(Value::Int),
            Reader::Disk(d) => {
                let Some(d) = d else {
                    return Err(("disk", "no disk mounted on /".into()));
                };
                d.refresh();
                let total = d.total_space();
                if total == 0 {
                    return Err(("disk", "the disk on / reports no size".into()));
                }
                Ok(Value::Int(percent(
                    total - d.available_space().min(total),
                    total,
                )))
            }
            Reader::Uptime => Ok(Value::Int(
                i64::try_from(System::uptime()).unwrap_or(i64::MAX),
            )),
            Reader::Ip => first_ipv4().map(Value::Text),
            Reader::Hostname => System::host_name()
                .filter(|h| !h.is_empty())
                .map(Value::Text)
                .ok_or(("hostname", "no host name".into())),
            Reader::Wifi => wifi_percent().map(Value::Int),
        }
    }
}

fn percent(part: u64, total: u64) -> i64 {
    let p = u128::from(part) * 100 / u128::from(total.max(1));
    i64::try_from(p).unwrap_or(100).clamp(0, 100)
}

fn root_disk() -> Option<Box<Disk>> {
    let disks = Disks::new_with_refreshed_list();
    let list: Vec<Disk> = disks.into();
    list.into_iter()
        .find(|d| d.mount_point() == std::path::Path::new("/"))
        .map(Box::new)
}

/// Read by hand: sysinfo's components come from hwmon, while the Raspberry Pi's SoC sensor
/// (and most SBCs') is thermal zone 0; the file holds millidegrees.
fn thermal_zone0() -> Result<i64, (&'static str, String)> {
    let path = "/sys/class/thermal/thermal_zone0/temp";
    let text = std::fs::read_to_string(path)
        .map_err(|e| ("temp", format!("{path}: {e} (no thermal sensor here)")))?;
    let milli: i64 = text
        .trim()
        .parse()
        .map_err(|_| ("temp", format!("{path}: not a number: {:?}", text.trim())))?;
    Ok(milli / 1000)
}

/// The first non-loopback IPv4 address, by interface name (so the choice is stable).
fn first_ipv4() -> Result<String, (&'static str, String)> {
    let nets = Networks::new_with_refreshed_list();
    let mut names: Vec<&String> = nets.keys().collect();
    names.sort();
    for name in names {
        for ip in nets[name].ip_networks() {
            if let std::net::IpAddr::V4(v4) = ip.addr {
                if !v4.is_loopback() {
                    return Ok(v4.to_string());
                }
            }
        }
    }
    Err(("ip", "no non-loopback IPv4 address".into()))
}

/// Read by hand: sysinfo has no Wi-Fi signal. /proc/net/wireless lists each wireless
/// interface with its link quality out of 70 (the kernel's usual scale).
fn wifi_percent() -> Result<i64, (&'static str, String)> {
    let text = std::fs::read_to_string("/proc/net/wireless")
        .map_err(|e| ("wifi", format!("/proc/net/wireless: {e}")))?;
    parse_wireless(&text).ok_or(("wifi", "no wireless interface".into()))
}

fn parse_wireless(text: &str) -> Option<i64> {
    let line = text.lines().skip(2).find(|l| l.contains(':'))?;
    let (_, rest) = line.split_once(':')?;
    let link = rest.split_whitespace().nth(1)?.trim_end_matches('.');
    let link: i64 = link.parse().ok()?;
    Some((link * 100 / 70).clamp(0, 100))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wireless_link_quality_becomes_percent() {
        let t =
            "Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n \
                 face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n\
                 wlan0: 0000   56.  -54.  -256        0      0      0      0     12        0\n";
        assert_eq!(parse_wireless(t), Some(80));
        assert_eq!(parse_wireless(&t[..t.find("wlan0").unwrap()]), None);
    }

    #[test]
    fn percent_is_bounded() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(5, 0), 100);
        assert_eq!(percent(u64::MAX, u64::MAX), 100);
    }
}
