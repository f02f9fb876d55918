//! A fixed pool of worker threads with a bounded queue in front of it. HTTP
//! requests and Wyoming syntheses are both [`Task`]s, so `--workers` bounds
//! the syntheses of every front end together, and a full queue turns any of
//! them away the same way.

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use super::Context;

/// Work for a pool.
pub trait Task: Send {
    /// Does the work, on a worker thread.
    fn run(self: Box<Self>, ctx: &Context);
    /// Answers that the server is busy: the queue is full.
    fn refuse(self: Box<Self>, ctx: &Context);
}

/// A handle to a pool; clones share it.
#[derive(Clone)]
pub struct Pool {
    queue: SyncSender<Box<dyn Task>>,
    workers: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Pool {
    /// Starts `workers` threads named `vtts-NAME-N` behind a queue of `queue` tasks.
    pub fn start(name: &str, workers: usize, queue: usize, ctx: &Arc<Context>) -> Self {
        let (tx, rx) = mpsc::sync_channel::<Box<dyn Task>>(queue);
        let rx: Arc<Mutex<Receiver<Box<dyn Task>>>> = Arc::new(Mutex::new(rx));
        let handles = (0..workers.max(1))
            .map(|i| {
                let (rx, ctx) = (rx.clone(), ctx.clone());
                thread::Builder::new()
                    .name(format!("vtts-{name}-{i}"))
                    .spawn(move || work(&rx, &ctx))
                    .expect("spawning a worker thread")
            })
            .collect();
        Self {
            queue: tx,
            workers: Arc::new(Mutex::new(handles)),
        }
    }

    /// Queues `task`, or has it refuse itself when the queue is full.
    pub fn submit(&self, ctx: &Context, task: Box<dyn Task>) {
        if let Err(TrySendError::Full(task) | TrySendError::Disconnected(task)) =
            self.queue.try_send(task)
        {
            task.refuse(ctx);
        }
    }

    /// Drops this handle and returns the worker threads, to wait for once the
    /// server is stopping: they end when no handle is left and the queue is empty.
    pub fn close(self) -> Vec<JoinHandle<()>> {
        std::mem::take(&mut *self.workers.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// A worker's loop: tasks until every handle to the pool is gone (the
/// server's, and those of the Wyoming connections still speaking) and the
/// queue is empty.
fn work(rx: &Mutex<Receiver<Box<dyn Task>>>, ctx: &Context) {
    loop {
        let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
        let Ok(task) = next else { break };
        task.run(ctx);
    }
}
