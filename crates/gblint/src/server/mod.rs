//! `gblint server`: a language server over stdio (LSP, built on `lsp-server` and `lsp-types`).
//!
//! Every open buffer is checked **in the deployment context** of its workspace folder: the
//! whole folder is checked with the unsaved buffers in place of their files, so a finding
//! that depends on another file (a unit's dependency, the baseline) is reported as
//! `gblint check` would report it after saving. Runs are debounced on a worker thread, and
//! a run whose buffers changed meanwhile is dropped rather than published.
//!
//! Diagnostics are pushed (`textDocument/publishDiagnostics`), or pulled
//! (`textDocument/diagnostic`) when the client says it supports pulling. Formatting,
//! code actions (fixes, and a suppression comment) and hover (`gblint explain`) are served
//! from the last run.

mod actions;
mod convert;
mod text;
mod uri;
mod worker;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _,
};
use lsp_types::request::{
    CodeActionRequest, DocumentDiagnosticRequest, Formatting, HoverRequest, Request as _,
};
use lsp_types::{
    CodeActionParams, CodeActionProviderCapability, DiagnosticOptions,
    DiagnosticServerCapabilities, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentDiagnosticParams,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, DocumentFormattingParams,
    FullDocumentDiagnosticReport, HoverParams, HoverProviderCapability, InitializeParams, OneOf,
    RelatedFullDocumentDiagnosticReport, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri,
};

use self::text::LineIndex;
use crate::Diagnostic;

/// How long the buffers must stay unchanged before a run starts: typing does not start a
/// check per keystroke.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// Why the server stopped abnormally.
#[derive(Debug)]
pub struct ServerError(String);

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "language server: {}", self.0)
    }
}

impl std::error::Error for ServerError {}

/// Serve LSP on standard input and output until the client shuts the server down.
pub fn run_stdio() -> Result<(), ServerError> {
    let (connection, io_threads) = Connection::stdio();
    serve(connection, DEBOUNCE)?;
    io_threads
        .join()
        .map_err(|error| ServerError(error.to_string()))
}

/// An open buffer.
struct Document {
    uri: Uri,
    text: String,
    version: i32,
}

/// What the main loop and the worker share.
pub(crate) struct State {
    /// Open buffers, by canonical path.
    documents: Mutex<HashMap<PathBuf, Document>>,
    /// The workspace folders (canonical), most specific first.
    roots: Vec<PathBuf>,
    /// Findings of the last run, by file on disk.
    findings: Mutex<HashMap<PathBuf, Vec<Diagnostic>>>,
}

impl State {
    /// The open buffers' texts, the overlay of a run.
    fn overlay(&self) -> HashMap<PathBuf, String> {
        lock(&self.documents)
            .iter()
            .map(|(path, doc)| (path.clone(), doc.text.clone()))
            .collect()
    }

    /// The folder a file is checked in: its workspace folder, or its own folder.
    fn root_of(&self, path: &Path) -> PathBuf {
        self.roots
            .iter()
            .find(|root| path.starts_with(root))
            .cloned()
            .unwrap_or_else(|| {
                path.parent()
                    .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
            })
    }

    /// The folders the open buffers are checked in.
    fn open_roots(&self) -> Vec<PathBuf> {
        let mut roots: Vec<PathBuf> = lock(&self.documents)
            .keys()
            .map(|path| self.root_of(path))
            .collect();
        roots.sort();
        roots.dedup();
        roots
    }
}

/// A poisoned lock only means a worker panicked mid-run; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Serve LSP over `connection` (stdio, or an in-memory pair in tests) until shutdown.
/// `debounce` is how long buffers must stay unchanged before a run.
pub fn serve(connection: Connection, debounce: Duration) -> Result<(), ServerError> {
    let protocol = |error: lsp_server::ProtocolError| ServerError(error.to_string());
    let (id, params) = connection.initialize_start().map_err(protocol)?;
    let params: InitializeParams =
        serde_json::from_value(params).map_err(|error| ServerError(error.to_string()))?;
    let pull = params
        .capabilities
        .text_document
        .as_ref()
        .is_some_and(|doc| doc.diagnostic.is_some());
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        diagnostic_provider: pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("gblint".to_owned()),
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                work_done_progress_options: Default::default(),
            })
        }),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo { name: "gblint".to_owned(), version: Some(env!("CARGO_PKG_VERSION").to_owned()) },
    });
    connection.initialize_finish(id, result).map_err(protocol)?;

    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|folder| uri::to_path(&folder.uri))
        .collect();
    #[allow(deprecated)] // Clients without workspace folders still send the root URI.
    if roots.is_empty() {
        roots.extend(params.root_uri.as_ref().and_then(uri::to_path));
    }
    let mut roots: Vec<PathBuf> = roots.iter().map(|root| uri::canonical(root)).collect();
    // Nested folders: the innermost one is a file's deployment context.
    roots.sort_by_key(|root| std::cmp::Reverse(root.components().count()));
    let state = Arc::new(State {
        documents: Mutex::new(HashMap::new()),
        roots,
        findings: Mutex::new(HashMap::new()),
    });
    let worker = worker::Worker::start(
        Arc::clone(&state),
        connection.sender.clone(),
        debounce,
        !pull,
    );

    // Shutdown is handled here rather than by `Connection::handle_shutdown`, which fails on
    // anything but `exit` after `shutdown`: Neovim sends `shutdown` again when it quits.
    let mut shutting_down = false;
    for message in &connection.receiver {
        match message {
            Message::Request(request) if request.method == "shutdown" => {
                shutting_down = true;
                let _ = connection
                    .sender
                    .send(Message::Response(Response::new_ok(request.id, ())));
            }
            Message::Request(request) if shutting_down => {
                let _ = connection.sender.send(Message::Response(Response::new_err(
                    request.id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is shutting down".to_owned(),
                )));
            }
            Message::Notification(notification) if notification.method == "exit" => break,
            Message::Request(request) => {
                let response = handle_request(&state, request);
                if let Some(response) = response {
                    let _ = connection.sender.send(Message::Response(response));
                }
            }
            Message::Notification(notification) => {
                if handle_notification(&state, notification) {
                    worker.request_run();
                }
            }
            Message::Response(_) => {}
        }
    }
    worker.stop();
    Ok(())
}

/// Apply a buffer notification; whether the buffers changed (a run is due).
fn handle_notification(state: &State, notification: Notification) -> bool {
    let path_of = |uri: &Uri| uri::to_path(uri).map(|path| uri::canonical(&path));
    match notification.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let Ok(params) =
                notification.extract::<DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
            else {
                return false;
            };
            let Some(path) = path_of(&params.text_document.uri) else {
                return false;
            };
            lock(&state.documents).insert(
                path,
                Document {
                    uri: params.text_document.uri,
                    text: params.text_document.text,
                    version: params.text_document.version,
                },
            );
            true
        }
        DidChangeTextDocument::METHOD => {
            let Ok(params) =
                notification.extract::<DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
            else {
                return false;
            };
            let Some(path) = path_of(&params.text_document.uri) else {
                return false;
            };
            // Full synchronisation: the last change holds the whole text.
            let Some(change) = params.content_changes.into_iter().last() else {
                return false;
            };
            let mut documents = lock(&state.documents);
            let document = documents.entry(path).or_insert_with(|| Document {
                uri: params.text_document.uri.clone(),
                text: String::new(),
                version: 0,
            });
            document.text = change.text;
            document.version = params.text_document.version;
            true
        }
        DidSaveTextDocument::METHOD => {
            let Ok(params) =
                notification.extract::<DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD)
            else {
                return false;
            };
            if let (Some(path), Some(text)) = (path_of(&params.text_document.uri), params.text) {
                if let Some(document) = lock(&state.documents).get_mut(&path) {
                    document.text = text;
                }
            }
            // A save may change what other files see (a saved gblint.toml, a baseline).
            true
        }
        DidCloseTextDocument::METHOD => {
            let Ok(params) =
                notification.extract::<DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
            else {
                return false;
            };
            if let Some(path) = path_of(&params.text_document.uri) {
                lock(&state.documents).remove(&path);
            }
            true
        }
        _ => false,
    }
}

/// Answer a request (`None` for requests answered later, on another thread).
fn handle_request(state: &Arc<State>, request: Request) -> Option<Response> {
    let id = request.id.clone();
    let failed =
        |message: String| Response::new_err(id.clone(), ErrorCode::RequestFailed as i32, message);
    let invalid =
        |error: String| Response::new_err(id.clone(), ErrorCode::InvalidParams as i32, error);
    match request.method.as_str() {
        Formatting::METHOD => {
            let params: DocumentFormattingParams = match serde_json::from_value(request.params) {
                Ok(params) => params,
                Err(error) => return Some(invalid(error.to_string())),
            };
            let Some((path, text)) = open_text(state, &params.text_document.uri) else {
                return Some(Response::new_ok(id, None::<Vec<TextEdit>>));
            };
            Some(match crate::format(&path, &text) {
                Ok(formatted) if !formatted.changed => Response::new_ok(id, Vec::<TextEdit>::new()),
                Ok(formatted) => match formatted.unsafe_to_write {
                    Some(reason) => failed(format!("not formatted: {reason}")),
                    None => Response::new_ok(
                        id,
                        vec![TextEdit {
                            range: LineIndex::new(&text).whole(),
                            new_text: formatted.text,
                        }],
                    ),
                },
                Err(crate::FormatError::Unsupported(_)) => {
                    Response::new_ok(id, None::<Vec<TextEdit>>)
                }
                Err(error) => failed(format!("not formatted: {error}")),
            })
        }
        CodeActionRequest::METHOD => {
            let params: CodeActionParams = match serde_json::from_value(request.params) {
                Ok(params) => params,
                Err(error) => return Some(invalid(error.to_string())),
            };
            let uri = params.text_document.uri;
            let Some((path, text)) = open_text(state, &uri) else {
                return Some(Response::new_ok(id, Vec::<()>::new()));
            };
            let findings = lock(&state.findings)
                .get(&path)
                .cloned()
                .unwrap_or_default();
            let actions = actions::code_actions(&uri, &path, &text, &findings, params.range);
            Some(Response::new_ok(id, actions))
        }
        HoverRequest::METHOD => {
            let params: HoverParams = match serde_json::from_value(request.params) {
                Ok(params) => params,
                Err(error) => return Some(invalid(error.to_string())),
            };
            let position = params.text_document_position_params;
            let Some((path, text)) = open_text(state, &position.text_document.uri) else {
                return Some(Response::new_ok(id, None::<()>));
            };
            let findings = lock(&state.findings)
                .get(&path)
                .cloned()
                .unwrap_or_default();
            Some(Response::new_ok(
                id,
                actions::hover(&text, &findings, position.position),
            ))
        }
        DocumentDiagnosticRequest::METHOD => {
            let params: DocumentDiagnosticParams = match serde_json::from_value(request.params) {
                Ok(params) => params,
                Err(error) => return Some(invalid(error.to_string())),
            };
            let Some((path, _)) = open_text(state, &params.text_document.uri) else {
                return Some(Response::new_ok(id, pull_report(Vec::new())));
            };
            // A pull is answered from a fresh run of the file's folder.
            let items = worker::run_now(state, &state.root_of(&path))
                .remove(&path)
                .unwrap_or_default();
            Some(Response::new_ok(id, pull_report(items)))
        }
        _ => Some(Response::new_err(
            id,
            ErrorCode::MethodNotFound as i32,
            format!("gblint does not handle `{}`", request.method),
        )),
    }
}

fn pull_report(items: Vec<lsp_types::Diagnostic>) -> DocumentDiagnosticReportResult {
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
        RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items,
            },
        },
    ))
}

/// The path and text of a document: its buffer when open, its file otherwise.
fn open_text(state: &State, uri: &Uri) -> Option<(PathBuf, String)> {
    let path = uri::canonical(&uri::to_path(uri)?);
    let open = lock(&state.documents)
        .get(&path)
        .map(|doc| doc.text.clone());
    let text = match open {
        Some(text) => text,
        None => convert::read_text(&path)?,
    };
    Some((path, text))
}
