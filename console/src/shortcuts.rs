//! Keyboard shortcuts of the workplace: which key means what, and which chat is next. Plain
//! logic, tested natively; `views::shortcuts` listens for the keys and shows the "?" overlay.
//!
//! Letters are read by their physical key (`KeyboardEvent.code`), so they work the same in a
//! Russian layout; and never while the operator types into a field, or with Ctrl, Alt or ⌘ held
//! (those belong to the browser and the system).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    NextChat,
    PreviousChat,
    Reply,
    Take,
    Close,
    Search,
    Help,
}

/// A key as the browser reports it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Press<'a> {
    pub key: &'a str,
    pub code: &'a str,
    pub shift: bool,
    /// Ctrl, Alt or Meta held.
    pub chord: bool,
    /// Focus is in a text field, a select or an editable element.
    pub typing: bool,
}

pub fn command(press: Press) -> Option<Command> {
    if press.typing || press.chord {
        return None;
    }
    // "?" is Shift+/ in a US layout and Shift+7 in a Russian one: read the character too.
    if press.key == "?" || (press.code == "Slash" && press.shift) {
        return Some(Command::Help);
    }
    match (press.code, press.shift) {
        ("KeyJ", false) => Some(Command::NextChat),
        ("KeyK", false) => Some(Command::PreviousChat),
        ("KeyR", false) => Some(Command::Reply),
        ("KeyA", false) => Some(Command::Take),
        // Closing is the one that ends something: it asks for Shift as well.
        ("KeyC", true) => Some(Command::Close),
        ("Slash", false) => Some(Command::Search),
        _ => None,
    }
}

/// The keys as the overlay shows them, in its order.
pub const LIST: [(&str, Command); 7] = [
    ("J", Command::NextChat),
    ("K", Command::PreviousChat),
    ("R", Command::Reply),
    ("A", Command::Take),
    ("Shift + C", Command::Close),
    ("/", Command::Search),
    ("?", Command::Help),
];

/// The chat after (or before) the open one in the list; the first (or last) when none of the
/// list is open; none past either end.
pub fn neighbour<T: PartialEq + Clone>(list: &[T], open: Option<&T>, forward: bool) -> Option<T> {
    let at = open.and_then(|open| list.iter().position(|c| c == open));
    let next = match (at, forward) {
        (None, true) => Some(0),
        (None, false) => list.len().checked_sub(1),
        (Some(i), true) => Some(i + 1),
        (Some(i), false) => i.checked_sub(1),
    };
    next.and_then(|i| list.get(i)).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(code: &'static str, key: &'static str) -> Press<'static> {
        Press {
            key,
            code,
            ..Press::default()
        }
    }

    #[test]
    fn letters_by_their_key_in_either_layout() {
        assert_eq!(command(letter("KeyJ", "j")), Some(Command::NextChat));
        assert_eq!(command(letter("KeyJ", "о")), Some(Command::NextChat));
        assert_eq!(command(letter("KeyK", "л")), Some(Command::PreviousChat));
        assert_eq!(command(letter("KeyR", "к")), Some(Command::Reply));
        assert_eq!(command(letter("KeyA", "ф")), Some(Command::Take));
        assert_eq!(command(letter("Slash", "/")), Some(Command::Search));
        assert_eq!(command(letter("KeyQ", "q")), None);
    }

    #[test]
    fn close_needs_shift_and_help_is_the_question_mark_anywhere() {
        assert_eq!(command(letter("KeyC", "c")), None);
        let shifted = Press {
            shift: true,
            ..letter("KeyC", "C")
        };
        assert_eq!(command(shifted), Some(Command::Close));
        let us = Press {
            shift: true,
            ..letter("Slash", "?")
        };
        assert_eq!(command(us), Some(Command::Help));
        let russian = Press {
            shift: true,
            ..letter("Digit7", "?")
        };
        assert_eq!(command(russian), Some(Command::Help));
    }

    #[test]
    fn nothing_while_typing_or_with_a_modifier() {
        let typing = Press {
            typing: true,
            ..letter("KeyJ", "j")
        };
        assert_eq!(command(typing), None);
        let chord = Press {
            chord: true,
            ..letter("KeyR", "r")
        };
        assert_eq!(command(chord), None, "Ctrl+R reloads, as always");
        let question = Press {
            typing: true,
            shift: true,
            ..letter("Slash", "?")
        };
        assert_eq!(command(question), None);
    }

    #[test]
    fn next_and_previous_stop_at_the_ends() {
        let list = ["a", "b", "c"];
        assert_eq!(neighbour(&list, None, true), Some("a"));
        assert_eq!(neighbour(&list, None, false), Some("c"));
        assert_eq!(neighbour(&list, Some(&"a"), true), Some("b"));
        assert_eq!(neighbour(&list, Some(&"c"), true), None);
        assert_eq!(neighbour(&list, Some(&"a"), false), None);
        assert_eq!(neighbour(&list, Some(&"b"), false), Some("a"));
        // An open chat no longer in the list (taken by a colleague): start from the top.
        assert_eq!(neighbour(&list, Some(&"z"), true), Some("a"));
        assert_eq!(neighbour::<&str>(&[], None, true), None);
    }

    #[test]
    fn every_command_is_listed_once() {
        for command in [
            Command::NextChat,
            Command::PreviousChat,
            Command::Reply,
            Command::Take,
            Command::Close,
            Command::Search,
            Command::Help,
        ] {
            assert_eq!(LIST.iter().filter(|(_, c)| *c == command).count(), 1);
        }
    }
}
