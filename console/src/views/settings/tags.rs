//! Tags: the list operators pick from (one per line) and whether they may type others.

use super::{Draft, Section};
use leptos::prelude::*;
use protocol::SiteSettings;

/// The list as saved: each line tidied as the relay keeps tags, blank lines dropped. A line
/// the relay would refuse is sent as typed, so its error names it.
fn tidy(from: &SiteSettings, to: &mut SiteSettings) {
    to.tags.free = from.tags.free;
    to.tags.list = from
        .tags
        .list
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| protocol::tags::tag("tags.list", line).unwrap_or_else(|_| line.clone()))
        .collect();
}

#[component]
pub(super) fn Tags(draft: Draft) -> impl IntoView {
    let t = move || draft.session.tag_texts();
    view! {
        <Section draft id="tags" title=|t| t.tags_settings apply=tidy>
            <div class="field">
                <label for="tag-list">{move || t().list}</label>
                <textarea id="tag-list" rows="5" aria-describedby="tag-list-hint"
                    prop:value=move || draft.read(|s| s.tags.list.join("\n"))
                    on:input=move |e| draft.edit(|s| {
                        // Kept line by line as typed (a new empty line too) until saved.
                        s.tags.list = event_target_value(&e).split('\n').map(str::to_owned).collect();
                    })></textarea>
                <small id="tag-list-hint" class="muted">{move || t().list_hint}</small>
            </div>
            <div class="check">
                <input id="free-tags" type="checkbox"
                    prop:checked=move || draft.read(|s| s.tags.free)
                    on:change=move |e| draft.edit(|s| s.tags.free = event_target_checked(&e))/>
                <label for="free-tags">{move || t().free}</label>
            </div>
        </Section>
    }
}
