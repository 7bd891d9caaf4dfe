//! Whether another device could reach the web app: a kiosk with no network
//! (Wi-Fi not set up, cable out) still serves it, on an address nobody can
//! reach, and staff must be told so rather than left staring at a QR code
//! that leads nowhere.

use std::io;
use std::net::UdpSocket;

/// For staff, when this machine has no route to any other: `None` on a
/// network.
pub fn network_problem() -> Option<String> {
    problem_from(has_route())
}

/// A route to an address of the documentation range (RFC 5737): choosing it
/// sends nothing, but fails with no network.
fn has_route() -> io::Result<()> {
    let socket = UdpSocket::bind("0.0.0.0:0")?;
    socket.connect("192.0.2.1:9")
}

fn problem_from(route: io::Result<()>) -> Option<String> {
    let e = route.err()?;
    tracing::warn!("no network for the web app: {e}");
    Some(
        "This device is on no network, so no phone or computer can open the web app \
         yet: check the Wi-Fi or the cable (docs/raspberry-pi.md)."
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_route_anywhere_is_told_to_staff() {
        let unreachable = io::Error::from(io::ErrorKind::NetworkUnreachable);
        let told = problem_from(Err(unreachable)).expect("a problem");
        assert!(told.contains("no network"), "{told}");
        assert_eq!(problem_from(Ok(())), None);
    }
}
