//! Zone serials across renders. Secondaries and caches pick up a zone's new records only when
//! its SOA serial grows, so a render that changes a zone must write a serial past the one of
//! the file it replaces, and a render that changes nothing in it must keep that serial (a
//! re-render is byte-identical). The serial is `YYYYMMDDNN`: the inventory's `generated_at`
//! date and `01` for a new zone, else the larger of that and the replaced serial plus one.

use gblint_corefile::zone;

/// The SOA serial of the zone file `text` whose origin is `origin`, if it has a readable one.
pub fn of_zone(text: &str, origin: &str) -> Option<u64> {
    let file = zone::parse(text, origin);
    let soa = file.soa(origin)?;
    // MNAME, RNAME, then the serial; parentheses are words of their own or glued to one.
    soa.rdata
        .iter()
        .map(|word| word.trim_matches(|c| c == '(' || c == ')'))
        .filter(|word| !word.is_empty())
        .nth(2)?
        .parse()
        .ok()
}

/// The serial a changed zone gets: past `replaced`, and not before the render's own date.
pub fn next(replaced: u64, dated: u64) -> u64 {
    dated.max(replaced.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONE: &str = "$ORIGIN example.com.\n$TTL 3600\n@ IN SOA ns1.example.com. hostmaster.example.com. (\n  2026112603 ; serial\n  7200 3600 1209600 3600 )\n@ IN NS ns1.example.com.\n";

    #[test]
    fn reads_the_serial_inside_parentheses() {
        assert_eq!(of_zone(ZONE, "example.com"), Some(2026112603));
        let one_line = "@ 3600 IN SOA a. b. 7 1 2 3 4\n";
        assert_eq!(of_zone(one_line, "example.com"), Some(7));
        assert_eq!(of_zone("@ IN NS a.\n", "example.com"), None);
    }

    #[test]
    fn a_changed_zone_moves_past_the_replaced_serial() {
        assert_eq!(next(2026112603, 2026112601), 2026112604);
        assert_eq!(next(2025010101, 2026112601), 2026112601);
        assert_eq!(next(u64::MAX, 1), u64::MAX);
    }
}
