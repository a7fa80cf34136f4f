//! Auto-pagination: a `futures` stream over every item of a list call, fetching pages on demand:
//! v1 lists page by object ID (`starting_after`), v2 lists by URL (`next_page_url`).

use std::fmt::Display;
use std::pin::Pin;

use futures_util::Stream;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::client::{decode, Client, Encoding, Method, Route};
use super::error::Error;
use super::form::Pairs;
use super::types::{HasId, List, V2List};

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

/// Where a v2 list stream stands.
struct V2Pager<T> {
    client: Client,
    /// The request of the next page: the first one (path and parameters), then each page's
    /// `next_page_url`; `None` after the last page, or an error.
    next: Option<V2Request>,
    /// The current page's remaining items, the next one last.
    buffered: Vec<T>,
}

enum V2Request {
    First(super::client::Outgoing),
    Url(String),
}

impl Client {
    /// Streams every item of a v2 list call, starting from `params` (sent in the query string,
    /// as a v2 GET sends them). Like stripe-python's v2 `ListObject.auto_paging_iter`, it then
    /// fetches each page's `next_page_url` (a path with its query, such as
    /// `/v2/core/events?page=abc`) as it is, until one is `null`. Every page is sent with this
    /// handle's options: `Stripe-Account`, `Stripe-Context`, `Stripe-Version`, timeout. Extra
    /// parameters go with the first page only: the next pages' URLs carry the list's state,
    /// and stripe-python sends them without parameters.
    #[doc(hidden)]
    pub fn paginate_v2<P, T>(&self, path: String, params: &P) -> ListStream<T>
    where
        P: Serialize,
        T: DeserializeOwned + Send + 'static,
    {
        let route = Route {
            method: Method::Get,
            server: None,
            encoding: Encoding::Json,
        };
        let first = match super::form::form_pairs(params)
            .and_then(|pairs| self.outgoing(route, &path, super::client::Payload::Form(pairs)))
        {
            Ok(first) => first,
            Err(error) => return Box::pin(futures_util::stream::once(async { Err(error) })),
        };
        let pager = V2Pager {
            client: self.clone(),
            next: Some(V2Request::First(first)),
            buffered: Vec::new(),
        };
        Box::pin(futures_util::stream::unfold(pager, next_v2_item))
    }
}

async fn next_v2_item<T: DeserializeOwned>(
    mut pager: V2Pager<T>,
) -> Option<(Result<T, Error>, V2Pager<T>)> {
    loop {
        if let Some(item) = pager.buffered.pop() {
            return Some((Ok(item), pager));
        }
        let request = pager.next.take()?;
        let page = match fetch_v2_page(&pager.client, request).await {
            Ok(page) => page,
            Err(error) => return Some((Err(error), pager)),
        };
        pager.next = page.next_page_url.map(V2Request::Url);
        pager.buffered = page.data;
        // Items are popped from the end: reverse so they come in page order.
        pager.buffered.reverse();
    }
}

async fn fetch_v2_page<T: DeserializeOwned>(
    client: &Client,
    request: V2Request,
) -> Result<V2List<T>, Error> {
    let outgoing = match request {
        V2Request::First(outgoing) => outgoing,
        V2Request::Url(url) => {
            if !url.starts_with('/') {
                return Err(Error::InvalidPath {
                    path: url,
                    reason: "a `next_page_url` must be a path starting with `/`",
                });
            }
            let route = Route {
                method: Method::Get,
                server: None,
                encoding: Encoding::Json,
            };
            client.outgoing(route, &url, super::client::Payload::Nothing)?
        }
    };
    let (meta, body) = client.execute_outgoing(&outgoing).await?;
    decode(meta.status, meta.request_id, &body)
}
