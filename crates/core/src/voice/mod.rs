//! A Piper voice: its config and its ONNX Runtime session(s), reused for every sentence.
//!
//! A voice whose graph splits (`split.rs`) keeps sessions of its parts: the
//! one that runs once per sentence, and the flow and the decoder's two
//! halves, which run on windows of frames (`windows.rs`), so that its audio
//! comes out while it is made; another voice runs whole.

pub mod config;
mod identity;
mod optimized;
pub mod runtime;
pub mod split;
mod windows;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

use ort::session::Session;
use ort::session::builder::SessionBuilder;
use ort::value::Tensor;

pub use config::{InferenceDefaults, VoiceConfig};
pub use identity::Identity;
pub use windows::{Decoding, Schedule};

use crate::error::{Error, Result};

/// The three scales a Piper model takes, in the order of its `scales` input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scales {
    /// Variation of the generated audio (0 = deterministic).
    pub noise_scale: f32,
    /// Phoneme duration: above 1 is slower, below 1 faster.
    pub length_scale: f32,
    /// Variation of phoneme durations (0 = deterministic).
    pub noise_w: f32,
}

impl From<InferenceDefaults> for Scales {
    fn from(d: InferenceDefaults) -> Self {
        Self {
            noise_scale: d.noise_scale,
            length_scale: d.length_scale,
            noise_w: d.noise_w,
        }
    }
}

/// A speaker of a multi-speaker voice, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SpeakerId(pub i64);

/// A loaded voice, ready to turn phoneme ids into audio.
pub struct Voice {
    name: String,
    identity: Identity,
    config: VoiceConfig,
    engine: Engine,
    /// Model runs in progress.
    running: AtomicUsize,
    takes_speaker: bool,
    /// Why the voice runs whole, when its graph could not be split.
    unsplit: Option<String>,
}

/// Opens a session of one graph on this many threads (all when `None`).
type Opener<'a> = dyn Fn(Option<usize>) -> ort::Result<Session> + 'a;

/// The sessions a voice runs on.
enum Engine {
    /// The whole graph, one run per sentence.
    Whole(Pool),
    /// The graph in parts: the sentence part once per sentence, then the
    /// stages per window. `cut` names the sentence part's outputs, the
    /// frame-rate one first.
    Split {
        sentence: Pool,
        stages: Vec<Stage>,
        cut: Vec<String>,
    },
}

/// A part of a split voice that runs on windows of frames.
struct Stage {
    /// Its name in [`split::LAYOUTS`].
    name: &'static str,
    pool: Pool,
    /// Frames of context it needs on each side of a window.
    margin: usize,
    inputs: Vec<String>,
    outputs: Vec<String>,
}

/// Sessions of one graph. The `ort` API asks for `&mut` to run a session,
/// so each is behind a lock held for one run; a server keeps several so that
/// its workers synthesise at the same time.
struct Pool {
    sessions: Vec<Mutex<Session>>,
    next: AtomicUsize,
    /// A session on every core, taken only when no other run is going on.
    solo: Option<Mutex<Session>>,
}

impl Pool {
    /// The session for a run that starts now: the solo one when no other run
    /// is going on, else one no one is running, else the next in turn.
    fn free_session(&self, alone: bool) -> MutexGuard<'_, Session> {
        if alone && let Some(guard) = self.solo.as_ref().and_then(try_take) {
            return guard;
        }
        let n = self.sessions.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..n)
            .find_map(|i| try_take(&self.sessions[(start + i) % n]))
            .unwrap_or_else(|| {
                self.sessions[start % n]
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
            })
    }

    fn first(&self) -> MutexGuard<'_, Session> {
        self.sessions[0]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// How many model sessions a voice keeps and how many threads each runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallelism {
    /// Sessions that can run at the same time.
    pub sessions: usize,
    /// Threads inside one model run; ONNX Runtime's default (all cores) when `None`.
    pub threads_per_session: Option<usize>,
    /// One more session, on every core, for a run that starts while no other
    /// is going on: a lone caller then gets the whole machine.
    pub solo: bool,
}

impl Default for Parallelism {
    /// One session on every core: the fastest for one caller, as the CLI is.
    fn default() -> Self {
        Self {
            sessions: 1,
            threads_per_session: None,
            solo: false,
        }
    }
}

impl Parallelism {
    /// For `callers` concurrent callers: a session each, sharing the cores,
    /// and a solo session for when only one of them is busy: sessions that
    /// share the cores run more sentences per second than one session taking
    /// turns, but a lone caller on one thread is slower than on all of them
    /// (BENCHMARKS.md, Results).
    pub fn for_callers(callers: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let sessions = callers.clamp(1, cores.max(1));
        let threads = (cores / sessions).max(1);
        Self {
            sessions,
            threads_per_session: Some(threads),
            solo: threads < cores,
        }
    }
}

/// A voice's name: its model file name without `.onnx`.
pub fn name_of(model: &Path) -> String {
    model
        .file_name()
        .map(|n| n.to_string_lossy())
        .map(|n| n.strip_suffix(".onnx").unwrap_or(&n).to_string())
        .unwrap_or_default()
}

impl std::fmt::Debug for Voice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Voice").field("name", &self.name).finish()
    }
}

impl Voice {
    /// Loads `model` (a Piper `.onnx` file) with its config, by default `model` + `.json`.
    pub fn load(model: &Path, config: Option<&Path>) -> Result<Self> {
        Self::load_with(model, config, Parallelism::default())
    }

    /// Loads a voice with as many sessions as `parallelism` asks for. It
    /// is decoded in windows if its graph splits, unless `VTTS_WINDOWS=0`.
    pub fn load_with(
        model: &Path,
        config: Option<&Path>,
        parallelism: Parallelism,
    ) -> Result<Self> {
        let windows = std::env::var_os("VTTS_WINDOWS").is_none_or(|v| v != "0");
        Self::load_as(model, config, parallelism, windows)
    }

    /// Loads a voice to run whole, never in windows: what windowed decoding
    /// is compared with.
    pub fn load_whole(model: &Path, config: Option<&Path>) -> Result<Self> {
        Self::load_as(model, config, Parallelism::default(), false)
    }

    fn load_as(
        model: &Path,
        config: Option<&Path>,
        parallelism: Parallelism,
        windows: bool,
    ) -> Result<Self> {
        let config_path = config.map_or_else(|| config::default_path(model), Path::to_path_buf);
        if !model.is_file() {
            return Err(Error::InvalidVoice {
                path: model.to_path_buf(),
                message: format!(
                    "voice model {} does not exist or is not a file",
                    model.display()
                ),
            });
        }
        // Read once: parsed here, and part of the voice's identity.
        let config_text = VoiceConfig::read(&config_path)?;
        let config = VoiceConfig::parse(&config_text, &config_path)?;
        let identity = Identity::of(model, &config_text)?;
        let environment = runtime::environment()?;
        let configure_with =
            |builder: SessionBuilder, threads: Option<usize>| -> ort::Result<SessionBuilder> {
                // Memory patterns pre-plan the buffers of one input shape, and
                // every sentence has its own: each new length added a plan to the
                // arena at no gain in speed (BENCHMARKS.md, Memory).
                let builder = builder.with_memory_pattern(false)?;
                // Prepacking copies weights into kernel-specific layouts when the
                // session starts: it doubled the start of a cached model for no
                // measurable gain per run (BENCHMARKS.md, Start-up), and its
                // copies are private memory where the mapped weights are shared.
                let builder = builder.with_config_entry("session.disable_prepacking", "1")?;
                // Threads that spin after a run take the cores from the run of
                // another session: the next part of a split voice, another
                // worker's. Spinning off made a split voice's sentences 10 to 45 %
                // faster and cost a voice that runs whole nothing measurable
                // (BENCHMARKS.md, Windows).
                let builder = builder.with_config_entry("session.intra_op.allow_spinning", "0")?;
                // One arena for all of a voice's sessions (`runtime.rs`).
                let builder = builder.with_config_entry("session.use_env_allocators", "1")?;
                Ok(match threads {
                    Some(threads) => builder.with_intra_threads(threads)?,
                    None => builder,
                })
            };
        let invalid = |e: ort::Error| Error::InvalidVoice {
            path: model.to_path_buf(),
            message: format!("loading voice model {}: {e}", model.display()),
        };
        let pool = |open: &Opener| -> Result<Pool> {
            let sessions = (0..parallelism.sessions.max(1))
                .map(|_| open(parallelism.threads_per_session).map(Mutex::new))
                .collect::<Result<Vec<_>, _>>()
                .map_err(invalid)?;
            let solo = match parallelism.solo {
                true => Some(Mutex::new(open(None).map_err(invalid)?)),
                false => None,
            };
            Ok(Pool {
                sessions,
                next: AtomicUsize::new(0),
                solo,
            })
        };
        let split = match windows {
            true => split_engine(model, &identity, environment, &configure_with, &pool),
            false => Err(None),
        };
        let (engine, unsplit) = match split {
            Ok(engine) => (engine, None),
            Err(reason) => {
                let cache = optimized::Entry::for_model(model, &identity);
                let open = |threads: Option<usize>| {
                    let configure = |builder| configure_with(builder, threads);
                    match &cache {
                        Some(entry) => {
                            entry.session(environment, &configure, &optimized::Source::File)
                        }
                        None => configure(Session::builder(environment)?)?.commit_from_file(model),
                    }
                };
                (Engine::Whole(pool(&open)?), reason)
            }
        };
        let first = match &engine {
            Engine::Whole(pool) | Engine::Split { sentence: pool, .. } => pool.first(),
        };
        let input_names: Vec<String> = first.inputs().iter().map(|i| i.name().to_owned()).collect();
        drop(first);
        let input_names: Vec<&str> = input_names.iter().map(String::as_str).collect();
        for required in ["input", "input_lengths", "scales"] {
            if !input_names.contains(&required) {
                return Err(Error::InvalidVoice {
                    path: model.to_path_buf(),
                    message: format!(
                        "voice model {} has no input {required:?}: not a Piper voice (inputs: {input_names:?})",
                        model.display()
                    ),
                });
            }
        }
        let takes_speaker = input_names.contains(&"sid");
        Ok(Self {
            name: name_of(model),
            identity,
            config,
            engine,
            running: AtomicUsize::new(0),
            takes_speaker,
            unsplit,
        })
    }

    /// Who this voice is, from its model's content and its config: the key
    /// of its cached graph and of the audio a server saves with it.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The voice's name: its model file name without `.onnx`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The voice's config.
    pub fn config(&self) -> &VoiceConfig {
        &self.config
    }

    /// Samples per second of its audio.
    pub fn sample_rate(&self) -> u32 {
        self.config.sample_rate
    }

    /// Finds a speaker by name or by number.
    pub fn speaker(&self, name_or_id: &str) -> Result<SpeakerId> {
        if let Some(&id) = self.config.speakers.get(name_or_id) {
            return Ok(SpeakerId(id));
        }
        match name_or_id.parse::<i64>() {
            Ok(id) if (0..i64::from(self.config.num_speakers)).contains(&id) => Ok(SpeakerId(id)),
            _ => {
                let names: Vec<&str> = self.config.speakers.keys().map(String::as_str).collect();
                let known = if names.is_empty() {
                    String::new()
                } else {
                    format!(" or one of: {}", names.join(", "))
                };
                Err(Error::setting(
                    "speaker",
                    format!(
                        "unknown speaker {name_or_id:?}: voice {} has {} speaker(s); use a number from 0 to {}{known}",
                        self.name,
                        self.config.num_speakers,
                        self.config.num_speakers - 1
                    ),
                ))
            }
        }
    }

    /// Whether sentences are decoded in windows; when not, why
    /// ([`Voice::unsplit`]).
    pub fn is_windowed(&self) -> bool {
        matches!(self.engine, Engine::Split { .. })
    }

    /// The parts that run on windows of frames, in order (the names in
    /// [`split::LAYOUTS`] after the first), or none for a voice that runs
    /// whole.
    pub fn windowed_parts(&self) -> Vec<&'static str> {
        match &self.engine {
            Engine::Whole(_) => Vec::new(),
            Engine::Split { stages, .. } => stages.iter().map(|s| s.name).collect(),
        }
    }

    /// Why the voice runs whole although windows were not turned off: its
    /// graph does not split at a decoder (a one-line reason).
    pub fn unsplit(&self) -> Option<&str> {
        self.unsplit.as_deref()
    }

    /// Runs the model on one sentence's ids and returns its raw audio samples.
    pub fn infer(&self, ids: &[i64], scales: Scales, speaker: SpeakerId) -> Result<Vec<f32>> {
        let mut samples = Vec::new();
        for window in self.decode(ids, scales, speaker, Schedule::Whole)? {
            samples.extend(window?);
        }
        Ok(samples)
    }

    /// Starts the audio of one sentence's ids: the part of the model that
    /// runs per sentence runs now, and the audio comes window by window as
    /// the returned [`Decoding`] is iterated (all at once for a voice that
    /// runs whole).
    pub fn decode(
        &self,
        ids: &[i64],
        scales: Scales,
        speaker: SpeakerId,
        schedule: Schedule,
    ) -> Result<Decoding<'_>> {
        let len = ids.len();
        let failed = |e: ort::Error| {
            Error::Synthesis(format!(
                "running voice {} on {len} phoneme ids: {e}",
                self.name
            ))
        };
        let input = Tensor::from_array(([1usize, len], ids.to_vec())).map_err(failed)?;
        let lengths = Tensor::from_array(([1usize], vec![len as i64])).map_err(failed)?;
        let scales = Tensor::from_array((
            [3usize],
            vec![scales.noise_scale, scales.length_scale, scales.noise_w],
        ))
        .map_err(failed)?;
        let running = Running::start(&self.running);
        let pool = match &self.engine {
            Engine::Whole(pool) | Engine::Split { sentence: pool, .. } => pool,
        };
        let mut session = pool.free_session(running.alone);
        let outputs = if self.takes_speaker {
            let sid = Tensor::from_array(([1usize], vec![speaker.0])).map_err(failed)?;
            session.run(ort::inputs![
                "input" => input, "input_lengths" => lengths, "scales" => scales, "sid" => sid
            ])
        } else {
            session.run(ort::inputs![
                "input" => input, "input_lengths" => lengths, "scales" => scales
            ])
        }
        .map_err(failed)?;
        let unreadable = |e: ort::Error| {
            Error::Synthesis(format!("reading the output of voice {}: {e}", self.name))
        };
        match &self.engine {
            Engine::Whole(_) => {
                let (_, samples) = outputs[0].try_extract_tensor::<f32>().map_err(unreadable)?;
                Ok(Decoding::whole(samples.to_vec()))
            }
            Engine::Split { cut, .. } => {
                let tensors = self.named(&outputs, cut, unreadable)?;
                Decoding::windows(self, tensors, schedule)
            }
        }
    }

    /// The margins of the stages that run on windows, in order (none for a
    /// voice that runs whole).
    fn margins(&self) -> Vec<usize> {
        match &self.engine {
            Engine::Whole(_) => Vec::new(),
            Engine::Split { stages, .. } => stages.iter().map(|s| s.margin).collect(),
        }
    }

    /// The input names of stage `k`.
    fn stage_inputs(&self, k: usize) -> &[String] {
        match &self.engine {
            Engine::Split { stages, .. } => &stages[k].inputs,
            Engine::Whole(_) => &[],
        }
    }

    /// Runs stage `k` on one window: `tensors` are its inputs, already cut
    /// to the window. Returns its outputs by name.
    fn run_stage(
        &self,
        k: usize,
        tensors: Vec<(&str, Vec<i64>, Vec<f32>)>,
    ) -> Result<Vec<windows::Named>> {
        let Engine::Split { stages, .. } = &self.engine else {
            unreachable!("only split voices run windows")
        };
        let stage = &stages[k];
        let failed = |e: ort::Error| {
            Error::Synthesis(format!("running a window of voice {}: {e}", self.name))
        };
        let mut inputs = Vec::with_capacity(tensors.len());
        for (name, shape, data) in tensors {
            let tensor = Tensor::from_array((shape, data)).map_err(failed)?;
            inputs.push((name.to_owned(), tensor.into_dyn()));
        }
        let running = Running::start(&self.running);
        let mut session = stage.pool.free_session(running.alone);
        let outputs = session.run(inputs).map_err(failed)?;
        self.named(&outputs, &stage.outputs, failed)
    }

    /// The float tensors `names` of a run's `outputs`, copied out by name.
    fn named(
        &self,
        outputs: &ort::session::SessionOutputs,
        names: &[String],
        unreadable: impl Fn(ort::Error) -> Error,
    ) -> Result<Vec<windows::Named>> {
        let mut tensors = Vec::with_capacity(names.len());
        for name in names {
            let value = outputs
                .get(name)
                .ok_or_else(|| Error::Synthesis(format!("voice {} gave no {name:?}", self.name)))?;
            let (shape, data) = value.try_extract_tensor::<f32>().map_err(&unreadable)?;
            tensors.push((name.clone(), shape.to_vec(), data.to_vec()));
        }
        Ok(tensors)
    }
}

/// Sessions of a voice's parts (`split.rs`), from the model cache when they
/// are all there, else split from the model file now. `Err` says why the
/// voice has to run whole.
fn split_engine(
    model: &Path,
    identity: &Identity,
    environment: &'static ort::environment::Environment,
    configure_with: &dyn Fn(SessionBuilder, Option<usize>) -> ort::Result<SessionBuilder>,
    pool: &dyn Fn(&Opener) -> Result<Pool>,
) -> std::result::Result<Engine, Option<String>> {
    let cached = |entry: &optimized::Entry| {
        pool(&|threads| {
            entry
                .cached_session(environment, &|b| configure_with(b, threads))
                .ok_or_else(|| ort::Error::new("not cached"))
        })
        .ok()
    };
    // The first layout whose parts are all saved, opened from the cache.
    let saved = split::LAYOUTS.iter().find_map(|layout| {
        let entries = layout
            .iter()
            .map(|part| optimized::Entry::for_part(model, identity, part))
            .collect::<Option<Vec<_>>>()?;
        entries
            .iter()
            .all(optimized::Entry::is_saved)
            .then_some((layout, entries))
    });
    let from_cache = saved.and_then(|(layout, entries)| {
        let pools: Option<Vec<Pool>> = entries.iter().map(cached).collect();
        pools.map(|pools| (layout.to_vec(), pools))
    });
    let (layout, pools) = match from_cache {
        Some(found) => found,
        None => {
            let bytes = std::fs::read(model).map_err(|e| Some(format!("reading it: {e}")))?;
            let parts = split::split(&bytes).map_err(Some)?;
            drop(bytes);
            let layout = parts.layout();
            let open_part = |part: &'static str, graph: &[u8]| {
                let entry = optimized::Entry::for_part(model, identity, part);
                pool(&|threads| {
                    let configure = |b| configure_with(b, threads);
                    match &entry {
                        Some(entry) => entry.session(
                            environment,
                            &configure,
                            &optimized::Source::Memory(graph),
                        ),
                        None => {
                            configure(Session::builder(environment)?)?.commit_from_memory(graph)
                        }
                    }
                })
                .map_err(|e| Some(format!("loading its parts: {e}")))
            };
            let pools = parts
                .parts
                .iter()
                .map(|(part, graph)| open_part(part, graph))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            (layout, pools)
        }
    };
    let names = |pool: &Pool, outputs: bool| -> Vec<String> {
        let session = pool.first();
        let list = match outputs {
            true => session.outputs(),
            false => session.inputs(),
        };
        list.iter().map(|o| o.name().to_owned()).collect()
    };
    let mut pools = pools.into_iter();
    let sentence = pools.next().expect("a layout has a sentence part");
    let cut = names(&sentence, true);
    let stages = layout[1..]
        .iter()
        .zip(pools)
        .map(|(&part, pool)| Stage {
            name: part,
            margin: split::margin(part),
            inputs: names(&pool, false),
            outputs: names(&pool, true),
            pool,
        })
        .collect();
    Ok(Engine::Split {
        sentence,
        stages,
        cut,
    })
}

/// The session in `lock` if no one holds it (a run that panicked leaves it usable).
fn try_take(lock: &Mutex<Session>) -> Option<MutexGuard<'_, Session>> {
    match lock.try_lock() {
        Ok(guard) => Some(guard),
        Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
        Err(TryLockError::WouldBlock) => None,
    }
}

/// Counts a model run from its start to its end.
struct Running<'a> {
    count: &'a AtomicUsize,
    /// No other run was going on when this one started.
    alone: bool,
}

impl<'a> Running<'a> {
    fn start(count: &'a AtomicUsize) -> Self {
        let alone = count.fetch_add(1, Ordering::SeqCst) == 0;
        Self { count, alone }
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::SeqCst);
    }
}
