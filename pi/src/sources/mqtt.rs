//! `mqtt:TOPIC` sources: one rumqttc client for every topic, pushed rather than polled. The
//! payload of each message (first line, trimmed) becomes the input's value.
//!
//! rumqttc reconnects when its connection is polled again after an error; this thread waits
//! with a growing backoff between attempts and subscribes again after every connection (the
//! session is clean, so the broker forgets subscriptions when it goes away).

use super::{value_of, Health, Live, LiveTx, MqttConfig};
use rumqttc::{Client, Event, MqttOptions, Packet, QoS};
use std::time::{Duration, Instant};

/// `mqtt://HOST[:PORT]` (1883) or `mqtts://HOST[:PORT]` (8883): (tls, host, port).
pub(crate) fn parse_url(url: &str) -> Result<(bool, String, u16), String> {
    let (tls, rest) = if let Some(r) = url.strip_prefix("mqtt://") {
        (false, r)
    } else if let Some(r) = url.strip_prefix("mqtts://") {
        (true, r)
    } else {
        return Err(format!(
            "--mqtt {url:?}: expected mqtt://HOST:PORT or mqtts://HOST:PORT"
        ));
    };
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>()
                .map_err(|_| format!("--mqtt {url:?}: {p:?} is not a port"))?,
        ),
        None => (rest, if tls { 8883 } else { 1883 }),
    };
    if host.is_empty() {
        return Err(format!("--mqtt {url:?}: no host"));
    }
    Ok((tls, host.to_string(), port))
}

fn options(cfg: &MqttConfig) -> Result<MqttOptions, String> {
    let (tls, host, port) = parse_url(&cfg.url)?;
    let id = format!("tinydisplay-{}", std::process::id());
    let mut o = MqttOptions::new(id, host, port);
    o.set_keep_alive(Duration::from_secs(5));
    if let Some(user) = &cfg.user {
        o.set_credentials(user.clone(), cfg.password.clone().unwrap_or_default());
    }
    if tls {
        tls_transport(&mut o, &cfg.url)?;
    }
    Ok(o)
}

#[cfg(feature = "mqtts")]
fn tls_transport(o: &mut MqttOptions, _url: &str) -> Result<(), String> {
    o.set_transport(rumqttc::Transport::tls_with_default_config());
    Ok(())
}

#[cfg(not(feature = "mqtts"))]
fn tls_transport(_o: &mut MqttOptions, url: &str) -> Result<(), String> {
    Err(format!(
        "--mqtt {url:?}: this build has no TLS (build tinydisplay-cli with `--features mqtts`; \
         it needs a C compiler for the target, so the static Pi builds leave it out): use mqtt:// \
         on a trusted network"
    ))
}

/// Starts the client thread; `topics` are (input name, topic) pairs.
pub(crate) fn spawn(
    cfg: MqttConfig,
    topics: Vec<(String, String)>,
    tx: LiveTx,
) -> Result<(), String> {
    let opts = options(&cfg)?;
    let url = cfg.url.clone();
    std::thread::spawn(move || {
        let (client, mut conn) = Client::new(opts, 64);
        let mut health = Health::new(format!("mqtt {url}"));
        let mut backoff = Duration::from_millis(100);
        for notification in conn.iter() {
            match notification {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    health.ok();
                    backoff = Duration::from_millis(100);
                    for (_, topic) in &topics {
                        if let Err(e) = client.try_subscribe(topic.clone(), QoS::AtMostOnce) {
                            health.fail("subscribe", format!("cannot subscribe to {topic}: {e}"));
                        }
                    }
                }
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    let value = value_of(&String::from_utf8_lossy(&p.payload));
                    for (name, topic) in &topics {
                        if *topic == p.topic {
                            let msg = Live::Value {
                                name: name.clone(),
                                value: value.clone(),
                                at: Instant::now(),
                            };
                            if tx.send(msg).is_err() {
                                return;
                            }
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    // A broker going away shows as a reset, then refused connections: one
                    // problem, one line. A refusal by the broker (credentials) is another.
                    let kind = match &e {
                        rumqttc::ConnectionError::ConnectionRefused(_) => "rejected",
                        _ => "down",
                    };
                    health.fail(kind, format!("broker: {e}"));
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_urls() {
        assert_eq!(
            parse_url("mqtt://127.0.0.1:1884"),
            Ok((false, "127.0.0.1".into(), 1884))
        );
        assert_eq!(
            parse_url("mqtt://broker"),
            Ok((false, "broker".into(), 1883))
        );
        assert_eq!(parse_url("mqtts://b/"), Ok((true, "b".into(), 8883)));
        assert!(parse_url("http://b").is_err());
        assert!(parse_url("mqtt://b:x").is_err());
        assert!(parse_url("mqtt://:1").is_err());
    }
}
