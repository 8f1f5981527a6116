//! `gblint server` latency: a `didChange` of the example deployment's Caddyfile
//! (`pragmatismo-proxy/opt/gbo/conf/config`, 25 sites) until the diagnostics for it are
//! published. The server runs in process over an in-memory connection with no debounce, so
//! the figure is the check of the whole deployment context plus the LSP conversion, and not
//! the 150 ms an editor session waits for typing to pause.

use std::time::Duration;

use divan::Bencher;
use gblint_benches::example_dir;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::json;

fn main() {
    divan::main();
}

fn send(connection: &Connection, method: &str, params: serde_json::Value) {
    let notification = Notification::new(method.to_owned(), params);
    connection
        .sender
        .send(Message::Notification(notification))
        .expect("server alive");
}

/// Wait for the diagnostics of `uri` at `version`.
fn published(connection: &Connection, uri: &str, version: i32) {
    loop {
        let message = connection
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("diagnostics within a minute");
        if let Message::Notification(n) = message {
            if n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
                && n.params["version"] == version
            {
                return;
            }
        }
    }
}

#[divan::bench(max_time = 20)]
fn did_change_to_diagnostics(bencher: Bencher) {
    let root = std::fs::canonicalize(example_dir()).expect("example");
    let caddyfile = root.join("pragmatismo-proxy/opt/gbo/conf/config");
    let text = std::fs::read_to_string(&caddyfile).expect("Caddyfile");
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || gblint::server::serve(server, Duration::ZERO));
    let root_uri = format!("file://{}", root.display());
    let uri = format!("file://{}", caddyfile.display());
    let init = Request::new(
        RequestId::from(1),
        "initialize".to_owned(),
        json!({"processId": null, "rootUri": root_uri, "capabilities": {}}),
    );
    client
        .sender
        .send(Message::Request(init))
        .expect("server alive");
    let _ = client.receiver.recv().expect("initialize result");
    send(&client, "initialized", json!({}));
    send(
        &client,
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "caddyfile", "version": 1, "text": text}}),
    );
    published(&client, &uri, 1);
    let mut version = 1;
    bencher.bench_local(|| {
        version += 1;
        // One edit a keystroke would make: a character added to a comment, then removed.
        let edited = if version % 2 == 0 {
            text.replacen("# Caddyfile", "# Caddyfilee", 1)
        } else {
            text.clone()
        };
        send(
            &client,
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": edited}]}),
        );
        published(&client, &uri, version);
    });
    let shutdown = Request::new(RequestId::from(2), "shutdown".to_owned(), json!(null));
    client
        .sender
        .send(Message::Request(shutdown))
        .expect("server alive");
    send(&client, "exit", json!(null));
    drop(client);
    thread
        .join()
        .expect("server thread")
        .expect("server ends cleanly");
}
