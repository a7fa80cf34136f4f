//! Auto-pagination: a `futures` stream over every item of a list call, fetching pages on demand.

use std::fmt::Display;
use std::pin::Pin;

use futures_util::Stream;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::client::{decode, Client, Method};
use super::error::Error;
use super::form::Pairs;
use super::types::{HasId, List};

/// Every item of a list, across pages, as a `Stream` (use `futures::TryStreamExt` to consume it).
pub type ListStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

struct Pager<T> {
    client: Client,
    path: String,
    /// The call's query pairs without the cursor, unescaped.
    query: Pairs,
    /// Walking towards older objects with `starting_after`, or newer ones with `ending_before`.
    backward: bool,
    cursor: Option<String>,
    /// The current page's remaining items, the next one last.
    buffered: Vec<T>,
    /// Set when the last page has been fetched, or an error ended the stream.
    finished: bool,
}

impl Client {
    /// Streams every item of a list call, starting from `params`. Like Stripe's SDKs, it pages
    /// forward with `starting_after = last ID`, or backward with `ending_before = first ID` when
    /// `params` start with `ending_before`, and stops when `has_more` is false.
    #[doc(hidden)]
    pub fn paginate<P, T>(&self, path: String, params: &P) -> ListStream<T>
    where
        P: Serialize,
        T: HasId + DeserializeOwned + Send + Sync + 'static,
        T::Id: Display,
    {
        let mut pager = Pager {
            client: self.clone(),
            path,
            query: Vec::new(),
            backward: false,
            cursor: None,
            buffered: Vec::new(),
            finished: false,
        };
        let pairs = match self.encode(Some(params)) {
            Ok(pairs) => pairs,
            Err(error) => return Box::pin(futures_util::stream::once(async { Err(error) })),
        };
        for (key, value) in pairs {
            match key.as_str() {
                "ending_before" => {
                    pager.backward = true;
                    pager.cursor = Some(value);
                }
                "starting_after" => {
                    if !pager.backward {
                        pager.cursor = Some(value);
                    }
                }
                _ => pager.query.push((key, value)),
            }
        }
        Box::pin(futures_util::stream::unfold(pager, next_item))
    }
}

async fn next_item<T>(mut pager: Pager<T>) -> Option<(Result<T, Error>, Pager<T>)>
where
    T: HasId + DeserializeOwned,
    T::Id: Display,
{
    loop {
        if let Some(item) = pager.buffered.pop() {
            return Some((Ok(item), pager));
        }
        if pager.finished {
            return None;
        }
        match fetch_page(&pager).await {
            Ok(page) => {
                pager.finished = !page.has_more || page.data.is_empty();
                let edge = if pager.backward {
                    page.data.first()
                } else {
                    page.data.last()
                };
                pager.cursor = edge.map(|item| item.id().to_string());
                pager.buffered = page.data;
                // Items are popped from the end: reverse so they come in page order, except
                // walking backward, where each page is read from its end (as stripe-node does).
                if !pager.backward {
                    pager.buffered.reverse();
                }
            }
            Err(error) => {
                pager.finished = true;
                return Some((Err(error), pager));
            }
        }
    }
}

async fn fetch_page<T: DeserializeOwned>(pager: &Pager<T>) -> Result<List<T>, Error> {
    let mut query = pager.query.clone();
    if let Some(cursor) = &pager.cursor {
        let key = if pager.backward {
            "ending_before"
        } else {
            "starting_after"
        };
        query.push((key.to_owned(), cursor.clone()));
    }
    let (meta, body) = pager
        .client
        .execute(Method::Get, &pager.path, &query)
        .await?;
    decode(meta.status, meta.request_id, &body)
}
