//! Auto-pagination: a `futures` stream over every item of a list call, fetching pages on demand:
//! v1 lists page by object ID (`starting_after`), v1 searches by token (`page`), v2 lists by URL
//! (`next_page_url`).

use std::fmt::Display;
use std::pin::Pin;

use futures_util::Stream;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::client::{decode, Client, Encoding, Method, Route};
use super::error::Error;
use super::form::Pairs;
use super::types::{HasId, List, SearchList, V2List};

/// Every item of a list, across pages, as a `Stream` (use `futures::TryStreamExt` to consume it).
pub type ListStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

/// Where a v1 list or search stream stands.
struct Pager<T> {
    client: Client,
    path: String,
    /// The call's query pairs without the cursor, unescaped.
    query: Pairs,
    /// Which parameter carries the cursor, and where it comes from.
    kind: CursorKind,
    cursor: Option<String>,
    /// The current page's remaining items, the next one last.
    buffered: Vec<T>,
    /// Set when the last page has been fetched, or an error ended the stream.
    finished: bool,
}

/// How a v1 stream asks for the page after the one it has.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CursorKind {
    /// A list walking towards older objects: `starting_after` = the page's last ID.
    After,
    /// A list walking towards newer objects: `ending_before` = the page's first ID.
    Before,
    /// A search: `page` = the page's `next_page` token.
    Page,
}

impl CursorKind {
    /// The parameter the cursor is sent as.
    fn key(self) -> &'static str {
        match self {
            Self::After => "starting_after",
            Self::Before => "ending_before",
            Self::Page => "page",
        }
    }
}

/// A page a `Pager` reads: its items and the cursor of the page after it.
trait Page<T>: DeserializeOwned {
    /// The items in page order, and the cursor of the next page: `None` on the last page.
    fn into_parts(self, kind: CursorKind) -> (Vec<T>, Option<String>);
}

/// The next page starts after the last item (or before the first, walking backward); there is
/// none when `has_more` is false or the page is empty.
impl<T> Page<T> for List<T>
where
    T: HasId + DeserializeOwned,
    T::Id: Display,
{
    fn into_parts(self, kind: CursorKind) -> (Vec<T>, Option<String>) {
        let edge = match kind {
            CursorKind::Before => self.data.first(),
            _ => self.data.last(),
        };
        let cursor = if self.has_more {
            edge.map(|item| item.id().to_string())
        } else {
            None
        };
        (self.data, cursor)
    }
}

/// The next page is `next_page`; there is none when `has_more` is false, `next_page` is `null`
/// or the page is empty.
impl<T: DeserializeOwned> Page<T> for SearchList<T> {
    fn into_parts(self, _: CursorKind) -> (Vec<T>, Option<String>) {
        let cursor = if self.has_more && !self.data.is_empty() {
            self.next_page
        } else {
            None
        };
        (self.data, cursor)
    }
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
        let mut pager = match self.pager(path, params) {
            Ok(pager) => pager,
            Err(error) => return Box::pin(futures_util::stream::once(async { Err(error) })),
        };
        let mut query = Pairs::new();
        for (key, value) in std::mem::take(&mut pager.query) {
            match key.as_str() {
                "ending_before" => {
                    pager.kind = CursorKind::Before;
                    pager.cursor = Some(value);
                }
                "starting_after" => {
                    if pager.kind == CursorKind::After {
                        pager.cursor = Some(value);
                    }
                }
                _ => query.push((key, value)),
            }
        }
        pager.query = query;
        Box::pin(futures_util::stream::unfold(pager, next_item::<T, List<T>>))
    }

    /// Streams every item of a search call (`GET /v1/customers/search` and the like), starting
    /// from `params`. Like Stripe's SDKs (`auto_paging_iter` of stripe-python's search results),
    /// it sends the same parameters again with `page = next_page` for each next page, and stops
    /// when `has_more` is false or `next_page` is `null`. A `page` in `params` is the first
    /// page's token.
    #[doc(hidden)]
    pub fn paginate_search<P, T>(&self, path: String, params: &P) -> ListStream<T>
    where
        P: Serialize,
        T: DeserializeOwned + Send + Sync + 'static,
    {
        let mut pager = match self.pager(path, params) {
            Ok(pager) => pager,
            Err(error) => return Box::pin(futures_util::stream::once(async { Err(error) })),
        };
        pager.kind = CursorKind::Page;
        let mut query = Pairs::new();
        for (key, value) in std::mem::take(&mut pager.query) {
            match key.as_str() {
                "page" => pager.cursor = Some(value),
                _ => query.push((key, value)),
            }
        }
        pager.query = query;
        Box::pin(futures_util::stream::unfold(
            pager,
            next_item::<T, SearchList<T>>,
        ))
    }

    /// A v1 pager at its first page, its query all of `params` (with the options' expansions
    /// and extra parameters): the callers take the cursor out.
    fn pager<P: Serialize, T>(&self, path: String, params: &P) -> Result<Pager<T>, Error> {
        Ok(Pager {
            client: self.clone(),
            path,
            query: self.encode(Some(params))?,
            kind: CursorKind::After,
            cursor: None,
            buffered: Vec::new(),
            finished: false,
        })
    }
}

async fn next_item<T, L: Page<T>>(mut pager: Pager<T>) -> Option<(Result<T, Error>, Pager<T>)> {
    loop {
        if let Some(item) = pager.buffered.pop() {
            return Some((Ok(item), pager));
        }
        if pager.finished {
            return None;
        }
        match fetch_page::<T, L>(&pager).await {
            Ok(page) => {
                let (items, cursor) = page.into_parts(pager.kind);
                pager.finished = cursor.is_none();
                pager.cursor = cursor;
                pager.buffered = items;
                // Items are popped from the end: reverse so they come in page order, except
                // walking backward, where each page is read from its end (as stripe-node does).
                if pager.kind != CursorKind::Before {
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

async fn fetch_page<T, L: Page<T>>(pager: &Pager<T>) -> Result<L, Error> {
    let mut query = pager.query.clone();
    if let Some(cursor) = &pager.cursor {
        query.push((pager.kind.key().to_owned(), cursor.clone()));
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
