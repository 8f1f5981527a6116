//! A TCP/UDP port number in the inventory. serde's own `u16` would say "invalid value:
//! integer `70000`, expected u16", and accept `0`; an operator should read what a port is.

use std::fmt;

use serde::de::{self, Unexpected, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A port number, 1 to 65535.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Port(u16);

impl Port {
    /// 80.
    pub const HTTP: Port = Port(80);
    /// 443.
    pub const HTTPS: Port = Port(443);

    /// The number.
    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Port {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.0)
    }
}

const EXPECTED: &str = "a port number (1-65535)";

struct PortVisitor;

impl Visitor<'_> for PortVisitor {
    type Value = Port;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Port, E> {
        match u16::try_from(value) {
            Ok(port) if port > 0 => Ok(Port(port)),
            _ => Err(E::invalid_value(Unexpected::Signed(value), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Port, E> {
        match u16::try_from(value) {
            Ok(port) if port > 0 => Ok(Port(port)),
            _ => Err(E::invalid_value(Unexpected::Unsigned(value), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for Port {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Port, D::Error> {
        deserializer.deserialize_u64(PortVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Holder {
        #[allow(dead_code)]
        port: Port,
    }

    fn error(text: &str) -> String {
        toml::from_str::<Holder>(text)
            .expect_err("refused")
            .message()
            .to_owned()
    }

    #[test]
    fn refuses_what_is_not_a_port_in_words_an_operator_reads() {
        assert_eq!(
            error("port = 70000"),
            "invalid value: integer `70000`, expected a port number (1-65535)"
        );
        assert_eq!(
            error("port = 0"),
            "invalid value: integer `0`, expected a port number (1-65535)"
        );
        assert_eq!(
            error("port = \"80\""),
            "invalid type: string \"80\", expected a port number (1-65535)"
        );
        let holder: Holder = toml::from_str("port = 443").expect("a port");
        assert_eq!(holder.port.get(), 443);
    }
}
