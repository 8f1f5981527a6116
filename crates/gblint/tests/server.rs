//! `gblint server` driven by an in-process client over an in-memory connection: initialize,
//! didOpen, published diagnostics (in the deployment context of the workspace folder, with
//! UTF-16 positions), didChange, formatting, codeAction, hover, pull diagnostics, shutdown.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

/// The client side of a server running on a thread.
struct Client {
    connection: Connection,
    server: Option<std::thread::JoinHandle<()>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    pending: Vec<Notification>,
}

impl Client {
    fn start(root: &Path, pull: bool) -> Client {
        let (server, connection) = Connection::memory();
        let thread = std::thread::spawn(move || {
            gblint::server::serve(server, Duration::from_millis(20)).expect("server runs");
        });
        let mut client = Client {
            connection,
            server: Some(thread),
            next_id: 0,
            pending: Vec::new(),
        };
        let root_uri = uri(root);
        let mut text_document = json!({"publishDiagnostics": {"relatedInformation": true}});
        if pull {
            text_document["diagnostic"] = json!({"dynamicRegistration": false});
        }
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "example"}],
                "capabilities": {"textDocument": text_document},
            }),
        );
        assert_eq!(result["serverInfo"]["name"], "gblint");
        assert_eq!(result["capabilities"]["documentFormattingProvider"], true);
        assert_eq!(
            result["capabilities"]["diagnosticProvider"].is_object(),
            pull
        );
        client.notify("initialized", json!({}));
        client
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Request::new(id.clone(), method.to_owned(), params);
        self.connection
            .sender
            .send(Message::Request(request))
            .unwrap();
        loop {
            match self.receive() {
                Message::Response(response) if response.id == id => {
                    match response.response_result {
                        Ok(result) => return result,
                        Err(error) => panic!("{method} failed: {}", error.message),
                    }
                }
                Message::Notification(notification) => self.pending.push(notification),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        let notification = Notification::new(method.to_owned(), params);
        self.connection
            .sender
            .send(Message::Notification(notification))
            .unwrap();
    }

    fn receive(&self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers within a minute")
    }

    /// The next diagnostics published for `uri` that satisfy `accept`.
    fn diagnostics_for(&mut self, uri: &str, accept: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let index = self.pending.iter().position(|n| {
                n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri
            });
            if let Some(index) = index {
                let notification = self.pending.remove(index);
                let found = notification.params["diagnostics"]
                    .as_array()
                    .unwrap()
                    .clone();
                if accept(&found) {
                    return found;
                }
                continue;
            }
            assert!(
                Instant::now() < deadline,
                "no matching diagnostics for {uri}"
            );
            match self.receive() {
                Message::Notification(notification) => self.pending.push(notification),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn shutdown(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap();
    }
}

fn uri(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap();
    format!("file://{}", path.display())
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

/// A copy of the example deployment, to edit freely.
fn example() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/pragmatismo");
    copy(&source, dir.path());
    // Not below a git repository's root marker: the copy is its own tree.
    dir
}

fn open(client: &Client, path: &Path, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(path), "languageId": "gblint", "version": 1, "text": text}}),
    );
}

#[test]
fn a_session_in_the_example_deployment() {
    let tree = example();
    let mut client = Client::start(tree.path(), false);

    // Editing ui.service: the port no longer matches system.service's PORT, which is not open.
    let ui = tree
        .path()
        .join("pragmatismo-system/etc/systemd/system/ui.service");
    let ui_uri = uri(&ui);
    let original = std::fs::read_to_string(&ui).unwrap();
    open(&client, &ui, &original);
    let clean = client.diagnostics_for(&ui_uri, |_| true);
    assert_eq!(codes(&clean), Vec::<&str>::new());
    let edited = original.replace(
        "BOTSERVER_URL=http://localhost:5858",
        "BOTSERVER_URL=http://localhost:5999",
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ui_uri, "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let found = client.diagnostics_for(&ui_uri, |d| !d.is_empty());
    assert_eq!(codes(&found), ["SYD002"]);
    let line = edited.lines().position(|l| l.contains("5999")).unwrap();
    assert_eq!(found[0]["range"]["start"]["line"], line);
    // The related place is in system.service, read from disk.
    let related = &found[0]["relatedInformation"][0]["location"]["uri"];
    assert!(
        related.as_str().unwrap().ends_with("/system.service"),
        "{related}"
    );

    // Hover on the finding explains the rule.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": ui_uri}, "position": found[0]["range"]["start"]}),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("# SYD002 botserver-port-mismatch"));

    // "Ignore this finding" inserts a suppression with a reason to write.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": ui_uri}, "range": found[0]["range"], "context": {"diagnostics": []}}),
    );
    let ignore = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Ignore SYD002"))
        .expect("an ignore action");
    let edit = &ignore["edit"]["changes"][&ui_uri][0];
    assert_eq!(edit["range"]["start"]["line"], line);
    assert!(edit["newText"]
        .as_str()
        .unwrap()
        .starts_with("# gblint: ignore[SYD002] REASON"));

    // Removing a site from the Caddyfile is a removed vhost against the baseline (CDY010).
    let caddy = tree.path().join("pragmatismo-proxy/opt/gbo/conf/config");
    let caddy_uri = uri(&caddy);
    let text = std::fs::read_to_string(&caddy).unwrap();
    open(&client, &caddy, &text);
    assert_eq!(
        codes(&client.diagnostics_for(&caddy_uri, |_| true)),
        Vec::<&str>::new()
    );
    let start = text.find("system.pragmatismo.com.br {").unwrap();
    let end = start + text[start..].find("\n}\n").unwrap() + 3;
    // Without the site, and with non-ASCII text before a bad upstream on one line.
    let edited = format!(
        "{}{}",
        &text[..start],
        &text[end..].replacen(
            "\timport access_log\n",
            "\timport access_log\n\treverse_proxy \"é🎉\" localhost:99999\n",
            1
        )
    );
    let change = |client: &mut Client, text: &str, version: i32| {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": caddy_uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    };
    change(&mut client, &edited, 2);
    let found = client.diagnostics_for(&caddy_uri, |d| !d.is_empty());
    assert!(codes(&found).contains(&"CDY010"), "{:?}", codes(&found));
    let bad = found
        .iter()
        .find(|d| d["code"] == "CDY011")
        .expect("the bad upstream");
    let line = edited.lines().position(|l| l.contains("99999")).unwrap();
    // UTF-16: `é` is one unit, `🎉` two, and both are more than one byte.
    let before = "\treverse_proxy \"é🎉\" ";
    assert_eq!(bad["range"]["start"]["line"], line);
    assert_eq!(
        bad["range"]["start"]["character"],
        before.encode_utf16().count()
    );
    assert_ne!(before.encode_utf16().count(), before.len());

    // Without the global options block: CDY001 and its fix (unsafe: it adds a global block)
    // as a code action.
    let no_storage = edited.replacen(
        "{\n\tstorage file_system {\n\t\troot /opt/gbo/data/caddy\n\t}\n}\n",
        "",
        1,
    );
    assert_ne!(no_storage, edited);
    change(&mut client, &no_storage, 3);
    let found = client.diagnostics_for(&caddy_uri, |d| codes(d).contains(&"CDY001"));
    let cdy001 = found.iter().find(|d| d["code"] == "CDY001").unwrap();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": caddy_uri}, "range": cdy001["range"], "context": {"diagnostics": []}}),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("CDY001"))
        .expect("the fix as an action");
    // Marked as the library marks it: a safe fix is the preferred quick fix, an unsafe one
    // says so in its title.
    let overlay = std::collections::HashMap::from([(
        std::fs::canonicalize(&caddy).unwrap(),
        no_storage.clone(),
    )]);
    let report = gblint::Linter::discover(tree.path())
        .unwrap()
        .check_with(&overlay)
        .unwrap();
    let expected = report
        .diagnostics()
        .iter()
        .find(|d| d.code == "CDY001")
        .unwrap();
    let safe = expected.fix.as_ref().unwrap().applicability == gblint::FixApplicability::Safe;
    assert_eq!(fix["isPreferred"], safe);
    assert_eq!(
        fix["title"].as_str().unwrap().contains("(unsafe"),
        !safe,
        "{fix}"
    );
    assert_eq!(fix["kind"], "quickfix");
    let new_text = fix["edit"]["changes"][&caddy_uri][0]["newText"]
        .as_str()
        .unwrap();
    assert!(new_text.contains("storage file_system"), "{new_text}");

    // Formatting the whole document: the Caddyfile indented with spaces comes back with tabs.
    let spaced = text.replace("\n\timport tls_config\n", "\n    import tls_config\n");
    change(&mut client, &spaced, 4);
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": caddy_uri}, "options": {"tabSize": 4, "insertSpaces": false}}),
    );
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"].as_str().unwrap(), text);
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );

    // Back to the saved text: the findings go away.
    change(&mut client, &text, 5);
    client.diagnostics_for(&caddy_uri, <[Value]>::is_empty);
    client.shutdown();
}

#[test]
fn pull_diagnostics_when_the_client_pulls() {
    let tree = example();
    let mut client = Client::start(tree.path(), true);
    let ui = tree
        .path()
        .join("pragmatismo-system/etc/systemd/system/ui.service");
    let text = std::fs::read_to_string(&ui).unwrap().replace(
        "BOTSERVER_URL=http://localhost:5858",
        "BOTSERVER_URL=http://localhost:5999",
    );
    open(&client, &ui, &text);
    let report = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri(&ui)}}),
    );
    assert_eq!(report["kind"], "full");
    assert_eq!(codes(report["items"].as_array().unwrap()), ["SYD002"]);
    // A pulling client is not pushed to (the open already scheduled a run).
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&ui)}, "position": {"line": 0, "character": 0}})
        ),
        Value::Null
    );
    assert!(client
        .pending
        .iter()
        .all(|n| n.method != "textDocument/publishDiagnostics"));
    client.shutdown();
}
