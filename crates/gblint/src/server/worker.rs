//! The debounced check: one worker thread runs the linter when the buffers have been still for
//! the debounce time, and drops the result of a run the buffers changed under.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{RecvTimeoutError, Sender};
use lsp_server::{Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::PublishDiagnosticsParams;

use super::{convert, lock, uri, State};

pub(crate) struct Worker {
    wake: Sender<()>,
    generation: Arc<AtomicU64>,
    thread: JoinHandle<()>,
}

impl Worker {
    /// Start the worker; with `push`, it publishes each run's diagnostics.
    pub(crate) fn start(
        state: Arc<State>,
        client: Sender<Message>,
        debounce: Duration,
        push: bool,
    ) -> Worker {
        let (wake, woken) = crossbeam_channel::unbounded::<()>();
        let generation = Arc::new(AtomicU64::new(0));
        let seen = Arc::clone(&generation);
        let thread = std::thread::spawn(move || {
            // Files diagnostics were published for, to clear those that have none now.
            let mut published: HashSet<PathBuf> = HashSet::new();
            while woken.recv().is_ok() {
                // Debounce: wait until no change came for `debounce`.
                loop {
                    match woken.recv_timeout(debounce) {
                        Ok(()) => continue,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                let started = seen.load(Ordering::SeqCst);
                let mut results = HashMap::new();
                for root in state.open_roots() {
                    results.extend(run_now(&state, &root));
                }
                // The buffers changed during the run: its findings are stale, and the next
                // run is already queued.
                if seen.load(Ordering::SeqCst) != started || !push {
                    continue;
                }
                let documents = lock(&state.documents);
                let cleared: Vec<PathBuf> = published
                    .iter()
                    .filter(|path| !results.contains_key(*path))
                    .cloned()
                    .collect();
                // Open buffers are published even when clean, so the client knows they were checked.
                for path in cleared.into_iter().chain(documents.keys().cloned()) {
                    results.entry(path).or_default();
                }
                published.clear();
                for (path, diagnostics) in results {
                    let (uri, version) = match documents.get(&path) {
                        Some(doc) => (doc.uri.clone(), Some(doc.version)),
                        None => match uri::from_path(&path) {
                            Some(uri) => (uri, None),
                            None => continue,
                        },
                    };
                    if !diagnostics.is_empty() {
                        published.insert(path);
                    }
                    let params = PublishDiagnosticsParams {
                        uri,
                        diagnostics,
                        version,
                    };
                    let _ = client.send(Message::Notification(Notification::new(
                        PublishDiagnostics::METHOD.to_owned(),
                        params,
                    )));
                }
            }
        });
        Worker {
            wake,
            generation,
            thread,
        }
    }

    /// The buffers changed: schedule a run (a run under way is now stale).
    pub(crate) fn request_run(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let _ = self.wake.send(());
    }

    /// Stop after the run under way, if any.
    pub(crate) fn stop(self) {
        drop(self.wake);
        let _ = self.thread.join();
    }
}

/// Check `root` with the open buffers, keep the findings for code actions and hover, and
/// return them in LSP form by file. A tree gblint cannot check (a bad `gblint.toml`) yields
/// one finding on nothing but is reported in the log instead: the buffers stay as they were.
pub(crate) fn run_now(state: &State, root: &Path) -> HashMap<PathBuf, Vec<lsp_types::Diagnostic>> {
    let overlay = state.overlay();
    let report = match crate::Linter::discover(root).and_then(|linter| linter.check_with(&overlay))
    {
        Ok(report) => report,
        Err(error) => {
            // gblint prints nothing on stdout (the protocol's channel); stderr is the log.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("gblint server: {}: {error}", root.display());
            }
            return HashMap::new();
        }
    };
    {
        let mut findings = lock(&state.findings);
        findings.retain(|path, _| !path.starts_with(root));
        findings.extend(convert::by_file(&report));
    }
    let mut texts = convert::Texts::new(&overlay);
    convert::report_to_lsp(&report, &mut texts)
}
