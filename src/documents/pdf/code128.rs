//! Code 128 (code set B) barcodes, as bar/space module widths: what a USB scanner at the desk
//! reads back as the slip number. Set B covers printable ASCII, which is all a number holds.
//!
//! Invariant: the symbol is start B, the data, the modulo-103 check symbol and the stop pattern;
//! characters outside printable ASCII are left out (numbers never contain them).

/// Bar/space widths of symbols 0–105, bar first, 11 modules each.
const PATTERNS: [&str; 106] = [
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232",
];
/// The stop pattern (13 modules, ending in a bar).
const STOP: &str = "2331112";
const START_B: usize = 104;

/// The symbol values of `text` in code set B, start and check symbol included (stop excluded).
pub(crate) fn symbols(text: &str) -> Vec<usize> {
    let mut values = vec![START_B];
    values.extend(
        text.chars()
            .filter(|c| (' '..='~').contains(c))
            .map(|c| c as usize - 32),
    );
    let check = values
        .iter()
        .enumerate()
        .map(|(i, v)| i.max(1) * v)
        .sum::<usize>()
        % 103;
    values.push(check);
    values
}

/// Module widths of the whole symbol, alternating bar and space, starting with a bar.
pub(crate) fn modules(text: &str) -> Vec<u8> {
    symbols(text)
        .into_iter()
        .flat_map(|v| PATTERNS[v].bytes())
        .chain(STOP.bytes())
        .map(|b| b - b'0')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{modules, symbols};

    #[test]
    fn code128_symbols_and_check_digit() {
        // Start B (104), the characters (ASCII − 32), then the weighted modulo-103 check.
        let s = symbols("LH-XT2026-0001");
        assert_eq!(s[0], 104);
        assert_eq!(s[1], 'L' as usize - 32);
        assert_eq!(s.len(), 14 + 2);
        let check = (104
            + s[1..15]
                .iter()
                .enumerate()
                .map(|(i, v)| (i + 1) * v)
                .sum::<usize>())
            % 103;
        assert_eq!(*s.last().unwrap(), check);
        // Every symbol is 11 modules, the stop 13; bars and spaces alternate starting with a bar.
        let m = modules("LH-XT2026-0001");
        assert_eq!(m.iter().map(|x| *x as usize).sum::<usize>(), 16 * 11 + 13);
        assert_eq!(m.len() % 2, 1, "ends with a bar");
        assert_eq!(symbols("A"), vec![104, 33, (104 + 33) % 103]);
    }
}
