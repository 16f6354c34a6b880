//! Texts of tags: the chat's tags, Settings → Tags, the history filter and the report.

use protocol::Locale;

browser::texts! {
    pub struct TagTexts {
        tags: "Tags" / "Метки",
        no_tags: "No tags yet." / "Меток пока нет.",
        new_tag: "Tag the chat" / "Добавить метку",
        add_tag: "Add" / "Добавить",
        remove_tag: "Remove tag" / "Убрать метку",
        not_listed: "Choose a tag from the site's list." / "Выберите метку из списка сайта.",
        bad_tag: "A tag is 1 to 40 characters, without commas." / "Метка — от 1 до 40 символов, без запятых.",
        too_many: "A chat has at most 10 tags." / "У чата может быть не больше 10 меток.",
        site_tags: "Tags" / "Метки",
        list: "Tags operators choose from, one per line" / "Метки, из которых выбирают операторы, по одной в строке",
        list_hint: "Up to 100 tags of 1 to 40 characters, without commas. A removed tag stays on the chats that have it." / "До 100 меток по 1–40 символов, без запятых. Удалённая метка остаётся у чатов, где она есть.",
        free: "Operators may also type tags that are not on the list" / "Операторы могут вводить и метки не из списка",
        any_tag: "Any tag" / "Любая метка",
        by_tag: "Chats by tag" / "Чаты по меткам",
        tag: "Tag" / "Метка",
        chats: "Chats" / "Чатов",
    }
}

pub fn tag_texts(locale: Locale) -> &'static TagTexts {
    TagTexts::of(locale)
}
