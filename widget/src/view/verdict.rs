//! Under an automatic answer: "Was this helpful?" — yes (nobody else is needed), or talk to a
//! person (the relay routes the chat to an operator).

use crate::chat::{Chat, Note};
use leptos::prelude::*;
use protocol::ConversationCommand;

#[component]
pub fn Verdict(chat: Chat) -> impl IntoView {
    let say = move |helpful| {
        chat.command(ConversationCommand::AutoFeedback { helpful });
        if helpful {
            chat.note(Note::Confirmation(chat.texts().glad_it_helped));
        }
    };
    view! {
        <div class="card" role="group" aria-labelledby="cw-verdict">
            <p id="cw-verdict">{move || chat.texts().was_it_helpful}</p>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| say(true)>
                    {move || chat.texts().it_helped}
                </button>
                <button type="button" class="secondary" on:click=move |_| say(false)>
                    {move || chat.texts().talk_to_person}
                </button>
            </div>
        </div>
    }
}
