//! The chat's tags on the visitor card: each with a button that takes it off, and a field
//! that adds one (the site's list offered as suggestions; the relay checks it again).

use leptos::prelude::*;

#[component]
pub(super) fn ChatTags() -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let chat = crate::state::use_chat();
    let typed = RwSignal::new(String::new());
    let t = move || session.tag_texts();
    let listed = move || {
        site.settings
            .with(|s| s.as_ref().map(|s| s.tags.clone()))
            .unwrap_or_default()
    };
    let add = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let allowed = site
            .settings
            .with_untracked(|s| s.as_ref().map(|s| s.tags.clone()))
            .unwrap_or_default();
        if chat.tag(&typed.get_untracked(), &allowed) {
            typed.set(String::new());
        }
    };
    view! {
        <section class="chat-tags" aria-labelledby="tags-title">
            <h4 id="tags-title">{move || t().tags}</h4>
            <ul class="tags">
                <For each=move || chat.state.with(|s| s.tags.clone()) key=|tag| tag.clone() let:tag>
                    {
                        let label = tag.clone();
                        view! {
                            <li class="tag">
                                <span>{tag.clone()}</span>
                                <button type="button" class="untag"
                                    aria-label=move || format!("{} {label}", t().remove_tag)
                                    on:click=move |_| chat.untag(tag.clone())>
                                    "×"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || chat.state.with(|s| s.tags.is_empty())>
                <p class="muted">{move || t().no_tags}</p>
            </Show>
            <form class="tag-add" on:submit=add>
                <label for="new-tag" class="sr">{move || t().new_tag}</label>
                <input id="new-tag" list="site-tags" autocomplete="off"
                    maxlength=protocol::tags::MAX_TAG_CHARS.to_string()
                    placeholder=move || t().new_tag
                    bind:value=typed/>
                <datalist id="site-tags">
                    {move || listed().list.into_iter().map(|tag| view! { <option value=tag/> }).collect_view()}
                </datalist>
                <button type="submit" class="secondary">{move || t().add_tag}</button>
            </form>
        </section>
    }
}
