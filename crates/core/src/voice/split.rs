//! Splitting a Piper voice's ONNX graph so that a sentence's audio can be
//! made window by window (`windows.rs`).
//!
//! A Piper (VITS) graph runs a text encoder and a duration predictor over the
//! sentence's phonemes, stretches their outputs to frames and adds the noise
//! (`z_p`, [1, channels, frames]); then the *flow* (coupling layers of
//! dilated convolutions) and the HiFi-GAN *decoder* run at frame rate and
//! see only a few frames around each frame. So the graph is cut in four:
//! the *sentence* part, once per sentence, whose outputs are `z_p`, the
//! frame mask and what the speaker adds; the *flow*, from those to the
//! masked latent `z * y_mask`; and the *decoder*, from the latent (and the
//! speaker's conditioning) to the audio, itself cut after its first
//! upsampling: its *head* sees about ten frames each way but
//! costs little, its *tail* makes most of the samples and sees about one
//! frame. The windowed parts then run on windows of frames with margins of
//! context ([`margin`]).
//!
//! The cuts are found by structure, not by node names, which depend on the
//! exporter:
//! - the decoder's first node is a Conv with a kernel of 7 whose data input
//!   comes from a Mul (the mask), and the decoder is everything downstream
//!   of it;
//! - `z_p` is the Add that ends the chain of Muls from the last random draw
//!   (`RandomNormalLike`, scaled by `exp(logs_p)` and the noise scale) and
//!   the flow is everything downstream of it that is not the decoder. The
//!   flow may hold only ops that work frame by frame or channel by channel
//!   and Convs;
//! - the decoder's tail starts at the data input of its second
//!   ConvTranspose and reads nothing else.
//!
//! How far a part sees is read from its graph: along its longest path, the
//! sum of what each Conv and ConvTranspose sees (from its kernel, dilation,
//! pads and strides), in frames of the samples it runs on. A part that sees
//! further than its margin ([`margin`]), or holds an op that is not sample
//! by sample ([`WINDOW_OPS`]), is not cut: a graph whose flow does not match
//! is cut at the decoder only (its sentence part then holds the flow), a
//! decoder whose halves do not match runs as one part, and a graph with no
//! decoder to find, or one that sees too far, is not split ([`split`] says
//! why) and the voice runs whole. The split is made
//! on the protobuf wire: nodes, initializers and value infos are copied
//! byte for byte, and only the lists of the graph (`node`, `initializer`,
//! `input`, `output`, `value_info`) are written anew, so no ONNX library is
//! needed.

use std::collections::{HashMap, HashSet};

/// The ways a voice is cut, best first, by the names of their parts (as
/// the model cache names them): the first part runs once per sentence, the
/// others on windows. A graph whose flow does not match keeps it in its
/// sentence part; a decoder whose halves do not match is one part.
pub const LAYOUTS: [&[&str]; 4] = [
    &["sentence", "flow", "decoder-head", "decoder-tail"],
    &["sentence", "flow", "decoder"],
    &["sentence-and-flow", "decoder-head", "decoder-tail"],
    &["sentence-and-flow", "decoder"],
];

/// The frames of context each windowed part gets on each side of a window:
/// the most it may see, checked when the graph is cut. Piper's voices (x_low
/// to high) see: the flow, four coupling layers of four convolutions of
/// kernel 5, 32 frames; the decoder's head (its first Conv and upsampling)
/// 10.0 (x_low, medium) to 11.9 (high); its tail 1.1 to 1.8; the whole
/// decoder 11.1 to 13.7.
const MARGINS: [(&str, usize); 4] = [
    ("flow", 32),
    ("decoder", 14),
    ("decoder-head", 12),
    ("decoder-tail", 2),
];

/// The margin of the windowed part `part` ([`LAYOUTS`]).
pub fn margin(part: &str) -> usize {
    margin_in(&MARGINS, part)
}

fn margin_in(margins: &[(&str, usize)], part: &str) -> usize {
    margins
        .iter()
        .find(|(name, _)| *name == part)
        .map_or(0, |&(_, margin)| margin)
}

/// A voice cut into parts, as ONNX model files.
#[derive(Debug, Clone)]
pub struct Parts {
    /// The parts in order, with their names: one of [`LAYOUTS`].
    pub parts: Vec<(&'static str, Vec<u8>)>,
    /// Channels of the latent.
    pub channels: usize,
}

impl Parts {
    /// The parts' names: one of [`LAYOUTS`].
    pub fn layout(&self) -> Vec<&'static str> {
        self.parts.iter().map(|(name, _)| *name).collect()
    }

    /// The part named `name`, if the voice was cut into it.
    pub fn part(&self, name: &str) -> Option<&[u8]> {
        self.parts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, graph)| graph.as_slice())
    }
}

/// Splits the ONNX model `model` before its flow and in its decoder, or
/// where else it matches (see the module docs), or says why it cannot be
/// split.
pub fn split(model: &[u8]) -> Result<Parts, String> {
    split_with(model, &MARGINS)
}

/// [`split`], each part allowed to see as far as `margins` say.
fn split_with(model: &[u8], margins: &[(&'static str, usize)]) -> Result<Parts, String> {
    let fields = fields(model).ok_or("not an ONNX model (bad protobuf)")?;
    let graph_bytes = fields
        .iter()
        .find(|f| f.number == MODEL_GRAPH)
        .and_then(|f| f.bytes())
        .ok_or("the model has no graph")?;
    let mut graph = Graph::parse(graph_bytes).ok_or("the graph cannot be read")?;
    graph.margins = margins.to_vec();
    let links = Links::of(&graph);
    let decoder = graph.decoder(&links)?;
    let flow = graph.flow(&links, &decoder).ok();
    let decoder = match graph.halves(&links, &decoder) {
        Ok((head, tail)) => vec![head, tail],
        Err(_) => vec![decoder],
    };
    let windowed: Vec<&Piece> = flow.iter().chain(&decoder).collect();
    // The sentence part gives what the windowed parts read from outside.
    let mut sentence_outputs: Vec<&str> = Vec::new();
    for part in &windowed {
        for &input in &part.inputs {
            let made_inside = windowed.iter().any(|p| p.outputs.contains(&input));
            if !made_inside && !sentence_outputs.contains(&input) {
                sentence_outputs.push(input);
            }
        }
    }
    let sentence = graph.ancestors(&links, &sentence_outputs);
    let sentence_inputs: Vec<&str> = {
        let used: HashSet<&str> = sentence
            .iter()
            .flat_map(|&i| graph.nodes[i].inputs.iter().copied())
            .collect();
        graph
            .inputs
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| used.contains(n))
            .collect()
    };
    // The frame-rate tensors at the cuts get their shapes; the others are
    // typed as float tensors of any shape.
    let types: HashMap<&str, Vec<u8>> = windowed
        .iter()
        .map(|p| {
            let dims = [
                Dim::Value(1),
                Dim::Value(p.channels as u64),
                Dim::Param(match p.rate {
                    1 => "frames",
                    _ => "samples",
                }),
            ];
            (p.inputs[0], tensor_type(p.inputs[0], &dims))
        })
        .collect();
    let model_with = |graph: Vec<u8>| {
        let mut out = Vec::with_capacity(graph.len() + 64);
        for field in &fields {
            if field.number != MODEL_GRAPH {
                out.extend_from_slice(field.raw);
            }
        }
        put_bytes(&mut out, MODEL_GRAPH, &graph);
        out
    };
    let part = |nodes: &HashSet<usize>, inputs: &[&str], outputs: &[&str]| {
        model_with(graph.part(nodes, inputs, outputs, &types))
    };
    let mut parts = vec![(
        match flow {
            Some(_) => "sentence",
            None => "sentence-and-flow",
        },
        part(&sentence, &sentence_inputs, &sentence_outputs),
    )];
    for piece in &windowed {
        parts.push((
            piece.name,
            part(&piece.nodes, &piece.inputs, &piece.outputs),
        ));
    }
    Ok(Parts {
        parts,
        channels: windowed[0].channels,
    })
}

// Field numbers of onnx.proto3 that the split reads or writes.
const MODEL_GRAPH: u32 = 7;
const GRAPH_NODE: u32 = 1;
const GRAPH_INITIALIZER: u32 = 5;
const GRAPH_INPUT: u32 = 11;
const GRAPH_OUTPUT: u32 = 12;
const GRAPH_VALUE_INFO: u32 = 13;
const GRAPH_SPARSE_INITIALIZER: u32 = 15;
const NODE_INPUT: u32 = 1;
const NODE_OUTPUT: u32 = 2;
const NODE_OP_TYPE: u32 = 4;
const NODE_ATTRIBUTE: u32 = 5;
const NODE_DOMAIN: u32 = 7;
const ATTRIBUTE_NAME: u32 = 1;
const ATTRIBUTE_INT: u32 = 3;
const ATTRIBUTE_STRING: u32 = 4;
const ATTRIBUTE_INTS: u32 = 8;
const TENSOR_DIMS: u32 = 1;
const TENSOR_NAME: u32 = 8;
const TENSOR_DATA_LOCATION: u32 = 14;
const VALUE_NAME: u32 = 1;
const VALUE_TYPE: u32 = 2;
const TYPE_TENSOR: u32 = 1;
const TENSOR_TYPE_ELEM: u32 = 1;
const TENSOR_TYPE_SHAPE: u32 = 2;
const SHAPE_DIM: u32 = 1;
const DIM_VALUE: u32 = 1;
const DIM_PARAM: u32 = 2;
/// TensorProto.DataType FLOAT.
const FLOAT: u64 = 1;

/// One field of a protobuf message, with its bytes as they were.
#[derive(Debug, Clone, Copy)]
struct Field<'a> {
    number: u32,
    value: Value<'a>,
    /// The whole field: tag and value.
    raw: &'a [u8],
}

#[derive(Debug, Clone, Copy)]
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

impl<'a> Field<'a> {
    fn bytes(&self) -> Option<&'a [u8]> {
        match self.value {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    fn string(&self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }
}

fn varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// The fields of a message, in order; `None` if it is not well formed.
fn fields(bytes: &[u8]) -> Option<Vec<Field<'_>>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let tag = varint(bytes, &mut at)?;
        let number = u32::try_from(tag >> 3).ok()?;
        let value = match tag & 7 {
            0 => Value::Varint(varint(bytes, &mut at)?),
            1 => {
                at = at.checked_add(8)?;
                Value::Fixed
            }
            2 => {
                let len = usize::try_from(varint(bytes, &mut at)?).ok()?;
                let end = at.checked_add(len)?;
                let value = bytes.get(at..end)?;
                at = end;
                Value::Bytes(value)
            }
            5 => {
                at = at.checked_add(4)?;
                Value::Fixed
            }
            _ => return None,
        };
        if at > bytes.len() {
            return None;
        }
        out.push(Field {
            number,
            value,
            raw: &bytes[start..at],
        });
    }
    Some(out)
}

/// An AttributeProto, as far as the split reads it: its name, its `i`, its
/// `ints` (packed or not) and its `s`.
struct Attribute<'a> {
    name: &'a str,
    int: Option<u64>,
    ints: Vec<u64>,
    string: Option<&'a str>,
}

impl<'a> Attribute<'a> {
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        let mut attribute = Attribute {
            name: "",
            int: None,
            ints: Vec::new(),
            string: None,
        };
        for f in fields(bytes)? {
            match (f.number, f.value) {
                (ATTRIBUTE_NAME, _) => attribute.name = f.string()?,
                (ATTRIBUTE_INT, Value::Varint(v)) => attribute.int = Some(v),
                (ATTRIBUTE_STRING, _) => attribute.string = f.string(),
                (ATTRIBUTE_INTS, Value::Varint(v)) => attribute.ints.push(v),
                (ATTRIBUTE_INTS, Value::Bytes(packed)) => {
                    let mut at = 0;
                    while at < packed.len() {
                        attribute.ints.push(varint(packed, &mut at)?);
                    }
                }
                _ => {}
            }
        }
        Some(attribute)
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_bytes(out: &mut Vec<u8>, number: u32, bytes: &[u8]) {
    put_varint(out, (u64::from(number) << 3) | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_varint_field(out: &mut Vec<u8>, number: u32, value: u64) {
    put_varint(out, u64::from(number) << 3);
    put_varint(out, value);
}

/// A graph input, output or value info: its name and its bytes.
type Named<'a> = (&'a str, &'a [u8]);

/// A node, as far as the split needs to know it.
struct Node<'a> {
    raw: &'a [u8],
    op_type: &'a str,
    /// The first values of its `dilations` and `strides` (1 when it has
    /// none), saturated: a 1-D convolution's.
    dilation: usize,
    stride: usize,
    /// Its `pads` at the start and the end (0 when it has none), and its
    /// `output_padding`; whether it has an `auto_pad` (other than NOTSET).
    pads: (usize, usize),
    output_padding: usize,
    auto_pad: bool,
    /// Its `axis` attribute, if it has one.
    axis: Option<i64>,
    inputs: Vec<&'a str>,
    outputs: Vec<&'a str>,
}

/// An initializer: its name and its dims.
struct Initializer<'a> {
    raw: &'a [u8],
    dims: Vec<i64>,
}

struct Graph<'a> {
    /// Fields copied to both halves (the graph's name, docs).
    kept: Vec<&'a [u8]>,
    nodes: Vec<Node<'a>>,
    initializers: HashMap<&'a str, Initializer<'a>>,
    /// In file order, for a deterministic output.
    initializer_order: Vec<&'a str>,
    inputs: Vec<Named<'a>>,
    outputs: Vec<Named<'a>>,
    value_info: HashMap<&'a str, &'a [u8]>,
    /// How far each part may see ([`MARGINS`]).
    margins: Vec<(&'static str, usize)>,
}

/// Who makes and who reads each tensor of a graph.
struct Links<'a> {
    producer: HashMap<&'a str, usize>,
    consumers: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Links<'a> {
    fn of(graph: &Graph<'a>) -> Self {
        let mut links = Links {
            producer: HashMap::new(),
            consumers: HashMap::new(),
        };
        for (i, node) in graph.nodes.iter().enumerate() {
            for &output in &node.outputs {
                links.producer.insert(output, i);
            }
            for &input in &node.inputs {
                links.consumers.entry(input).or_default().push(i);
            }
        }
        links
    }
}

/// A part of the graph that runs on windows of frames.
struct Piece<'a> {
    /// Its name in [`LAYOUTS`].
    name: &'static str,
    nodes: HashSet<usize>,
    /// The tensors it reads from outside, the frame-rate one first.
    inputs: Vec<&'a str>,
    /// The tensors it gives to the next part (none for the decoder's end).
    outputs: Vec<&'a str>,
    /// Channels of its frame-rate input, and its samples a frame.
    channels: usize,
    rate: usize,
}

/// Ops a windowed part may hold: each works sample by sample, or (Conv,
/// ConvTranspose) sees a few samples, counted against its margin. Slices,
/// splits and concatenations are of the channels (the flips and the halves
/// of a coupling layer); the Unsqueeze is the audio's channel axis (Piper
/// gives [1, 1, 1, samples]).
const WINDOW_OPS: [&str; 19] = [
    "Add",
    "Concat",
    "Constant",
    "ConstantOfShape",
    "Conv",
    "ConvTranspose",
    "Div",
    "Exp",
    "LeakyRelu",
    "Mul",
    "Neg",
    "Relu",
    "Shape",
    "Sigmoid",
    "Slice",
    "Split",
    "Sub",
    "Tanh",
    "Unsqueeze",
];

impl<'a> Graph<'a> {
    fn parse(bytes: &'a [u8]) -> Option<Graph<'a>> {
        let mut graph = Graph {
            kept: Vec::new(),
            nodes: Vec::new(),
            initializers: HashMap::new(),
            initializer_order: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            value_info: HashMap::new(),
            margins: MARGINS.to_vec(),
        };
        for field in fields(bytes)? {
            match field.number {
                GRAPH_NODE => {
                    let mut node = Node {
                        raw: field.raw,
                        op_type: "",
                        dilation: 1,
                        stride: 1,
                        pads: (0, 0),
                        output_padding: 0,
                        auto_pad: false,
                        axis: None,
                        inputs: Vec::new(),
                        outputs: Vec::new(),
                    };
                    for f in fields(field.bytes()?)? {
                        match f.number {
                            NODE_INPUT => node.inputs.push(f.string()?),
                            NODE_OUTPUT => node.outputs.push(f.string()?),
                            NODE_OP_TYPE => node.op_type = f.string()?,
                            NODE_ATTRIBUTE => {
                                let attribute = Attribute::parse(f.bytes()?)?;
                                let size = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
                                let int = |i: usize| attribute.ints.get(i).map_or(0, |&v| size(v));
                                match attribute.name {
                                    "dilations" if !attribute.ints.is_empty() => {
                                        node.dilation = int(0)
                                    }
                                    "strides" if !attribute.ints.is_empty() => node.stride = int(0),
                                    "pads" => node.pads = (int(0), int(1)),
                                    "output_padding" => node.output_padding = int(0),
                                    "auto_pad" => {
                                        node.auto_pad = attribute.string != Some("NOTSET")
                                    }
                                    "axis" => node.axis = attribute.int.map(|a| a as i64),
                                    _ => {}
                                }
                            }
                            // A node of another domain (a contrib op) is
                            // copied as it is, but never taken for the cut.
                            NODE_DOMAIN if !f.bytes()?.is_empty() => node.op_type = "",
                            _ => {}
                        }
                    }
                    graph.nodes.push(node);
                }
                GRAPH_INITIALIZER => {
                    let mut name = None;
                    let mut dims = Vec::new();
                    for f in fields(field.bytes()?)? {
                        match (f.number, f.value) {
                            (TENSOR_NAME, _) => name = f.string(),
                            (TENSOR_DIMS, Value::Varint(v)) => dims.push(v as i64),
                            (TENSOR_DIMS, Value::Bytes(packed)) => {
                                let mut at = 0;
                                while at < packed.len() {
                                    dims.push(varint(packed, &mut at)? as i64);
                                }
                            }
                            // Weights in another file would not follow the
                            // halves to where they are written.
                            (TENSOR_DATA_LOCATION, Value::Varint(1)) => return None,
                            _ => {}
                        }
                    }
                    let name = name?;
                    graph.initializer_order.push(name);
                    graph.initializers.insert(
                        name,
                        Initializer {
                            raw: field.raw,
                            dims,
                        },
                    );
                }
                GRAPH_SPARSE_INITIALIZER => return None,
                GRAPH_INPUT | GRAPH_OUTPUT | GRAPH_VALUE_INFO => {
                    let name = fields(field.bytes()?)?
                        .iter()
                        .find(|f| f.number == VALUE_NAME)
                        .and_then(Field::string)?;
                    match field.number {
                        GRAPH_INPUT => graph.inputs.push((name, field.raw)),
                        GRAPH_OUTPUT => graph.outputs.push((name, field.raw)),
                        _ => {
                            graph.value_info.insert(name, field.raw);
                        }
                    }
                }
                _ => graph.kept.push(field.raw),
            }
        }
        Some(graph)
    }

    /// The initializer dims of a node's weight (its second input).
    fn weight_dims(&self, node: &Node<'a>) -> Option<&[i64]> {
        let weight: &str = node.inputs.get(1)?;
        self.initializers.get(weight).map(|w| w.dims.as_slice())
    }

    /// The nodes downstream of `starts`, never entering `outside`, with the
    /// Constants they read.
    fn downstream(
        &self,
        links: &Links<'a>,
        starts: &[usize],
        outside: &HashSet<usize>,
    ) -> HashSet<usize> {
        let mut part: HashSet<usize> = HashSet::new();
        let mut stack = starts.to_vec();
        while let Some(i) = stack.pop() {
            if outside.contains(&i) || !part.insert(i) {
                continue;
            }
            for output in &self.nodes[i].outputs {
                stack.extend(links.consumers.get(output).into_iter().flatten().copied());
            }
        }
        let constants: Vec<usize> = part
            .iter()
            .flat_map(|&i| &self.nodes[i].inputs)
            .filter_map(|input| links.producer.get(input).copied())
            .filter(|&p| !part.contains(&p) && self.nodes[p].op_type == "Constant")
            .collect();
        part.extend(constants);
        part
    }

    /// What `part` reads from outside it (not initializers), in node order.
    fn crossing(&self, links: &Links<'a>, part: &HashSet<usize>) -> Vec<&'a str> {
        let mut nodes: Vec<usize> = part.iter().copied().collect();
        nodes.sort_unstable();
        let mut crossing = Vec::new();
        for i in nodes {
            for &input in &self.nodes[i].inputs {
                let outside = !input.is_empty()
                    && !self.initializers.contains_key(input)
                    && links.producer.get(input).is_none_or(|p| !part.contains(p));
                if outside && !crossing.contains(&input) {
                    crossing.push(input);
                }
            }
        }
        crossing
    }

    /// The nodes that `tensors` need.
    fn ancestors(&self, links: &Links<'a>, tensors: &[&str]) -> HashSet<usize> {
        let mut part: HashSet<usize> = HashSet::new();
        let mut stack: Vec<usize> = tensors
            .iter()
            .filter_map(|t| links.producer.get(t).copied())
            .collect();
        while let Some(i) = stack.pop() {
            if part.insert(i) {
                stack.extend(
                    self.nodes[i]
                        .inputs
                        .iter()
                        .filter_map(|input| links.producer.get(input).copied()),
                );
            }
        }
        part
    }

    /// Finds the decoder: see the module docs.
    fn decoder(&self, links: &Links<'a>) -> Result<Piece<'a>, String> {
        // The first Conv (in file order, which ONNX keeps topological) with
        // a kernel of 7 reading a Mul: conv_pre.
        let (conv, channels) = self
            .nodes
            .iter()
            .enumerate()
            .find_map(|(i, node)| {
                let dims = self.weight_dims(node)?;
                let data = node.inputs.first()?;
                let from_mul = links
                    .producer
                    .get(data)
                    .is_some_and(|&p| self.nodes[p].op_type == "Mul");
                (node.op_type == "Conv" && dims.len() == 3 && dims[2] == 7 && from_mul)
                    .then(|| (i, usize::try_from(dims[1]).ok()))
            })
            .ok_or("no decoder input found (a Conv of kernel 7 after the mask)")?;
        let channels = channels
            .filter(|&c| c > 0)
            .ok_or("the decoder's first Conv has no channels")?;
        let latent = self.nodes[conv].inputs[0];
        let nodes = self.downstream(links, &[conv], &HashSet::new());
        let output = self
            .outputs
            .iter()
            .map(|(n, _)| *n)
            .find(|o| links.producer.get(o).is_some_and(|p| nodes.contains(p)))
            .ok_or("the decoder does not give the model's output")?;
        // What crosses the cut: the latent, maybe the speaker's conditioning.
        let mut inputs = self.crossing(links, &nodes);
        inputs.sort_by_key(|&name| name != latent);
        if latent.is_empty() || inputs.first() != Some(&latent) {
            return Err("the decoder does not read its latent from the graph".into());
        }
        if inputs.len() > 2 {
            return Err(format!(
                "the decoder reads more than the latent and a speaker embedding: {inputs:?}"
            ));
        }
        if let Some(&g) = inputs.get(1)
            && !links.producer.contains_key(g)
        {
            return Err(format!("the decoder reads the model input {g:?}"));
        }
        let decoder = Piece {
            name: "decoder",
            nodes,
            inputs,
            outputs: vec![output],
            channels,
            rate: 1,
        };
        self.fits(&decoder)?;
        Ok(decoder)
    }

    /// Cuts `decoder` in two at the data input of its second ConvTranspose:
    /// see the module docs.
    fn halves(
        &self,
        links: &Links<'a>,
        decoder: &Piece<'a>,
    ) -> Result<(Piece<'a>, Piece<'a>), String> {
        let mut upsamplings: Vec<usize> = decoder
            .nodes
            .iter()
            .copied()
            .filter(|&i| self.nodes[i].op_type == "ConvTranspose")
            .collect();
        upsamplings.sort_unstable();
        let &second = upsamplings.get(1).ok_or("the decoder upsamples once")?;
        let cut = *self.nodes[second]
            .inputs
            .first()
            .ok_or("a ConvTranspose with no input")?;
        let channels = match self.weight_dims(&self.nodes[second]) {
            Some(&[channels, _, _]) if channels > 0 => channels as usize,
            _ => return Err("the second ConvTranspose has no 1-D weight".into()),
        };
        let starts = links.consumers.get(cut).cloned().unwrap_or_default();
        let tail = self.downstream(links, &starts, &HashSet::new());
        if !tail.is_subset(&decoder.nodes) || self.crossing(links, &tail) != [cut] {
            return Err(format!("the decoder after {cut:?} reads more than it"));
        }
        let head: HashSet<usize> = self
            .ancestors(links, &[cut])
            .intersection(&decoder.nodes)
            .copied()
            .collect();
        let mut inputs = self.crossing(links, &head);
        inputs.sort_by_key(|&name| name != decoder.inputs[0]);
        if inputs.first() != Some(&decoder.inputs[0]) {
            return Err("the decoder's head does not read the latent".into());
        }
        let head = Piece {
            name: "decoder-head",
            nodes: head,
            inputs,
            outputs: vec![cut],
            channels: decoder.channels,
            rate: 1,
        };
        let (_, rate) = self.fits(&head)?;
        let tail = Piece {
            name: "decoder-tail",
            nodes: tail,
            inputs: vec![cut],
            outputs: decoder.outputs.clone(),
            channels,
            rate,
        };
        self.fits(&tail)?;
        Ok((head, tail))
    }

    /// Checks that `piece` holds only [`WINDOW_OPS`] and sees no further
    /// than its margin; gives how far it sees and the samples a frame of
    /// its output has.
    fn fits(&self, piece: &Piece<'a>) -> Result<(f64, usize), String> {
        let output = piece.outputs[0];
        let (reach, rate) = self
            .reach(&piece.nodes, &piece.inputs, piece.rate, output)
            .map_err(|e| format!("the {} {e}", piece.name))?;
        let margin = margin_in(&self.margins, piece.name);
        if reach > margin as f64 {
            return Err(format!(
                "the {} sees {reach:.1} frames each way, more than {margin}",
                piece.name
            ));
        }
        Ok((reach, rate))
    }

    /// How far `nodes` see along the frames on each side, on their longest
    /// path from `inputs` (at `rate` samples a frame) to `output`, and the
    /// samples a frame of `output` has. Err when a node is not one of
    /// [`WINDOW_OPS`], reads a tensor of the part made after it, or is a
    /// convolution that is not of a few taps, has strides (a Conv), or
    /// whose output is not exactly its input's frames (its pads).
    fn reach(
        &self,
        nodes: &HashSet<usize>,
        inputs: &[&'a str],
        rate: usize,
        output: &str,
    ) -> Result<(f64, usize), String> {
        // For each tensor that depends on the inputs: the frames it has seen
        // each way, and its samples a frame.
        let mut seen: HashMap<&str, (f64, usize)> =
            inputs.iter().map(|&name| (name, (0.0, rate))).collect();
        let mut order: Vec<usize> = nodes.iter().copied().collect();
        order.sort_unstable();
        let made: HashSet<&str> = order
            .iter()
            .flat_map(|&i| self.nodes[i].outputs.iter().copied())
            .collect();
        let mut done: HashSet<&str> = HashSet::new();
        for i in order {
            let node = &self.nodes[i];
            if !WINDOW_OPS.contains(&node.op_type) {
                return Err(format!("holds a {:?}", node.op_type));
            }
            if let Some(early) = node
                .inputs
                .iter()
                .find(|&&input| made.contains(input) && !done.contains(input))
            {
                return Err(format!("reads {early:?} before it is made"));
            }
            done.extend(node.outputs.iter().copied());
            if matches!(node.op_type, "Concat" | "Split") && node.axis != Some(1) {
                return Err(format!(
                    "has a {} that is not along the channels",
                    node.op_type
                ));
            }
            let Some((before, rate)) = node
                .inputs
                .iter()
                .filter_map(|input| seen.get(input).copied())
                .reduce(|(a, rate), (b, _)| (a.max(b), rate))
            else {
                continue;
            };
            let (side, rate) = match node.op_type {
                "Conv" | "ConvTranspose" => {
                    let kernel = match self.weight_dims(node) {
                        Some(&[_, _, kernel]) if (1..=64).contains(&kernel) => kernel as usize,
                        _ => {
                            return Err("has a convolution with no 1-D weight of a few taps".into());
                        }
                    };
                    let taps = (kernel - 1).saturating_mul(node.dilation);
                    let (start, end) = node.pads;
                    // A Conv gives as many samples as it is given, a
                    // ConvTranspose `stride` times as many: else its windows
                    // would not line up with the frames.
                    let pads = start.checked_add(end);
                    let exact = match node.op_type {
                        "Conv" => pads == Some(taps),
                        _ => {
                            pads.and_then(|p| {
                                taps.saturating_add(1 + node.output_padding.min(64))
                                    .checked_sub(p)
                            }) == Some(node.stride)
                        }
                    };
                    if !exact || node.auto_pad || start > taps || node.stride == 0 {
                        return Err(
                            "has a convolution whose output is not its input's frames".into()
                        );
                    }
                    // Samples seen each way, of the input's rate.
                    let side = start.max(taps - start) as f64;
                    match node.op_type {
                        "Conv" if node.stride != 1 => {
                            return Err("has a Conv with strides".into());
                        }
                        "Conv" => (side / rate as f64, rate),
                        _ => {
                            let out = rate.saturating_mul(node.stride);
                            (side / out as f64, out)
                        }
                    }
                }
                _ => (0.0, rate),
            };
            for output in &node.outputs {
                seen.insert(output, (before + side, rate));
            }
        }
        seen.get(output)
            .copied()
            .ok_or_else(|| format!("does not make {output:?} from its inputs"))
    }

    /// Finds the flow before `decoder`: see the module docs.
    fn flow(&self, links: &Links<'a>, decoder: &Piece<'a>) -> Result<Piece<'a>, String> {
        let latent = decoder.inputs[0];
        // The last random draw the latent depends on is the frame-rate noise.
        let above = self.ancestors(links, &[latent]);
        let noise = above
            .iter()
            .copied()
            .filter(|&i| self.nodes[i].op_type.starts_with("RandomNormal"))
            .max()
            .ok_or("no noise before the decoder")?;
        let mut z_p = *self.nodes[noise]
            .outputs
            .first()
            .ok_or("noise with no output")?;
        // A few Muls (by exp(logs_p), by the noise scale), then the Add; a
        // graph that goes on longer (or in a circle) is not Piper's.
        for step in 0.. {
            if step == 8 {
                return Err("no Add after the noise".into());
            }
            let readers = links.consumers.get(z_p).map_or(&[][..], Vec::as_slice);
            let [next] = readers else {
                return Err("the noise is read more than once".into());
            };
            let node = &self.nodes[*next];
            z_p = node.outputs.first().ok_or("a node with no output")?;
            match node.op_type {
                "Mul" => continue,
                "Add" => break,
                op => return Err(format!("the noise goes into a {op}, not into z_p")),
            }
        }
        let starts = links.consumers.get(z_p).cloned().unwrap_or_default();
        let nodes = self.downstream(links, &starts, &decoder.nodes);
        if !links
            .producer
            .get(latent)
            .is_some_and(|p| nodes.contains(p))
        {
            return Err("the decoder's latent does not come from the flow".into());
        }
        // The flow gives the latent and nothing else to the rest.
        for &i in &nodes {
            for output in &self.nodes[i].outputs {
                let read_outside = links
                    .consumers
                    .get(output)
                    .into_iter()
                    .flatten()
                    .any(|c| !nodes.contains(c));
                let is_output = self.outputs.iter().any(|(n, _)| n == output);
                if (read_outside || is_output) && *output != latent {
                    return Err(format!("the flow's {output:?} is read after it"));
                }
            }
        }
        let mut inputs = self.crossing(links, &nodes);
        inputs.sort_by_key(|&name| name != z_p);
        if inputs.first() != Some(&z_p) {
            return Err("the flow does not read z_p".into());
        }
        let flow = Piece {
            name: "flow",
            nodes,
            inputs,
            outputs: vec![latent],
            channels: decoder.channels,
            rate: 1,
        };
        self.fits(&flow)?;
        Ok(flow)
    }

    /// A graph of `nodes` (indices, in order) from `inputs` to `outputs`.
    fn part(
        &self,
        nodes: &HashSet<usize>,
        inputs: &[&str],
        outputs: &[&str],
        types: &HashMap<&str, Vec<u8>>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        for raw in &self.kept {
            out.extend_from_slice(raw);
        }
        let mut order: Vec<usize> = nodes.iter().copied().collect();
        order.sort_unstable();
        let mut used: HashSet<&str> = HashSet::new();
        for i in order {
            out.extend_from_slice(self.nodes[i].raw);
            used.extend(self.nodes[i].inputs.iter().copied());
            used.extend(self.nodes[i].outputs.iter().copied());
        }
        for name in &self.initializer_order {
            if used.contains(name) {
                out.extend_from_slice(self.initializers[name].raw);
            }
        }
        let lists: [(u32, &[&str], &[Named]); 2] = [
            (GRAPH_INPUT, inputs, &self.inputs),
            (GRAPH_OUTPUT, outputs, &self.outputs),
        ];
        for (number, names, originals) in lists {
            for name in names {
                match originals.iter().find(|(n, _)| n == name) {
                    Some((_, raw)) => out.extend_from_slice(raw),
                    None => {
                        let info = types
                            .get(name)
                            .cloned()
                            .unwrap_or_else(|| tensor_type(name, &[]));
                        put_bytes(&mut out, number, &info);
                    }
                }
            }
        }
        let mut infos: Vec<&str> = used
            .iter()
            .copied()
            .filter(|name| self.value_info.contains_key(name))
            .collect();
        infos.sort_unstable();
        for name in infos {
            out.extend_from_slice(self.value_info[name]);
        }
        out
    }
}

enum Dim<'s> {
    Value(u64),
    Param(&'s str),
}

/// A ValueInfoProto: `name`, a float tensor of `dims` (any rank if empty).
fn tensor_type(name: &str, dims: &[Dim]) -> Vec<u8> {
    let mut tensor = Vec::new();
    put_varint_field(&mut tensor, TENSOR_TYPE_ELEM, FLOAT);
    if !dims.is_empty() {
        let mut shape = Vec::new();
        for dim in dims {
            let mut d = Vec::new();
            match dim {
                Dim::Value(v) => put_varint_field(&mut d, DIM_VALUE, *v),
                Dim::Param(p) => put_bytes(&mut d, DIM_PARAM, p.as_bytes()),
            }
            put_bytes(&mut shape, SHAPE_DIM, &d);
        }
        put_bytes(&mut tensor, TENSOR_TYPE_SHAPE, &shape);
    }
    let mut type_proto = Vec::new();
    put_bytes(&mut type_proto, TYPE_TENSOR, &tensor);
    let mut info = Vec::new();
    put_bytes(&mut info, VALUE_NAME, name.as_bytes());
    put_bytes(&mut info, VALUE_TYPE, &type_proto);
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voice(name: &str) -> Vec<u8> {
        let path = format!("{}/../../tests/voices/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).unwrap()
    }

    fn op_types(model: &[u8]) -> Vec<String> {
        let fields = fields(model).unwrap();
        let graph = fields.iter().find(|f| f.number == MODEL_GRAPH).unwrap();
        let graph = Graph::parse(graph.bytes().unwrap()).unwrap();
        graph.nodes.iter().map(|n| n.op_type.to_owned()).collect()
    }

    /// The names of a model's graph inputs or outputs.
    fn names(model: &[u8], list: u32) -> Vec<String> {
        let fields = fields(model).unwrap();
        let graph = fields.iter().find(|f| f.number == MODEL_GRAPH).unwrap();
        let graph = Graph::parse(graph.bytes().unwrap()).unwrap();
        let list = match list {
            GRAPH_INPUT => &graph.inputs,
            _ => &graph.outputs,
        };
        list.iter().map(|(n, _)| (*n).to_owned()).collect()
    }

    #[test]
    fn a_voice_splits_before_its_flow_and_the_noise_stays_before_the_cut() {
        for (name, speaker) in [
            ("vi_VN-test-tiny.onnx", false),
            ("vi_VN-test-tiny_multi.onnx", true),
        ] {
            let model = voice(name);
            let parts = split(&model).unwrap();
            assert_eq!(parts.layout(), LAYOUTS[0], "{name}");
            let flow = parts.part("flow").unwrap();
            let head = parts.part("decoder-head").unwrap();
            let tail = parts.part("decoder-tail").unwrap();
            assert_eq!(parts.channels, 16, "{name}");
            // The sentence part gives z_p and the frame mask first; the
            // flow reads them; the decoder reads the flow's latent.
            let given = names(parts.part("sentence").unwrap(), GRAPH_OUTPUT);
            assert_eq!(given[..2], ["/Add_output_0", "/Cast_2_output_0"], "{name}");
            assert_eq!(names(flow, GRAPH_INPUT)[0], "/Add_output_0");
            assert_eq!(names(flow, GRAPH_OUTPUT), ["/Mul_7_output_0"]);
            let decoder_reads = names(head, GRAPH_INPUT);
            assert_eq!(decoder_reads[0], "/Mul_7_output_0");
            // The tail reads what the head's first upsampling made, alone.
            let handed = names(head, GRAPH_OUTPUT);
            assert_eq!(handed, ["/dec/LeakyRelu_1_output_0"], "{name}");
            assert_eq!(names(tail, GRAPH_INPUT), handed);
            assert_eq!(names(tail, GRAPH_OUTPUT), ["output"]);
            // A speaker conditions the flow's layers and the decoder; that is
            // worked out once per sentence.
            assert_eq!(decoder_reads.len(), 1 + usize::from(speaker), "{name}");
            assert_eq!(given.len() > 2, speaker, "{name}: {given:?}");
            for read in &decoder_reads[1..] {
                assert!(given.contains(read), "{name}: {read}");
            }
            let ops = [parts.part("sentence").unwrap(), flow, head, tail].map(op_types);
            let random = |ops: &[String]| ops.iter().filter(|o| o.starts_with("Random")).count();
            assert!(
                random(&ops[0]) >= 2,
                "{name}: the sentence part draws the noise"
            );
            assert_eq!(random(&ops[1]) + random(&ops[2]) + random(&ops[3]), 0);
            assert_eq!(ops[2].first().map(String::as_str), Some("Conv"));
            let upsamplings = |ops: &[String]| ops.iter().filter(|o| *o == "ConvTranspose").count();
            assert_eq!((upsamplings(&ops[2]), upsamplings(&ops[3])), (1, 2));
            let convs = ops[1].iter().filter(|o| *o == "Conv").count();
            assert!(convs >= 16, "{name}: the flow's {convs} Convs");
            // Every node is in a part; Constants may be in more than one.
            let all = ops.iter().map(Vec::len).sum::<usize>();
            assert!(all >= op_types(&model).len());
        }
    }

    #[test]
    fn how_far_each_part_sees_is_read_from_its_convolutions() {
        let model = voice("vi_VN-test-tiny.onnx");
        let fields = fields(&model).unwrap();
        let graph = fields.iter().find(|f| f.number == MODEL_GRAPH).unwrap();
        let graph = Graph::parse(graph.bytes().unwrap()).unwrap();
        let links = Links::of(&graph);
        let decoder = graph.decoder(&links).unwrap();
        let flow = graph.flow(&links, &decoder).unwrap();
        let (head, tail) = graph.halves(&links, &decoder).unwrap();
        // By hand, from the attributes (piper's medium architecture): the
        // flow's 16 convolutions of kernel 5, 2 frames each; the head's
        // conv_pre (3 frames), its upsampling by 8 (11 of its output's
        // samples, 1.375 frames) and its longest resblock (9 + 36 samples
        // at 8 a frame); the tail's the same at 64 and 256 samples a frame,
        // and conv_post's 3 samples.
        let sees = |piece: &Piece| graph.fits(piece).unwrap();
        assert_eq!(sees(&flow), (32.0, 1));
        assert_eq!(sees(&head), (3.0 + 11.0 / 8.0 + 45.0 / 8.0, 8));
        let tail_sees = 11.0 / 64.0 + 45.0 / 64.0 + 5.0 / 256.0 + 45.0 / 256.0 + 3.0 / 256.0;
        assert_eq!(sees(&tail), (tail_sees, 256));
        assert_eq!(sees(&decoder), (10.0 + tail_sees, 256));
    }

    #[test]
    fn a_part_that_sees_further_than_its_margin_is_not_cut() {
        let model = voice("vi_VN-test-tiny.onnx");
        let with = |part: &'static str, margin: usize| {
            let mut margins = MARGINS;
            margins.iter_mut().find(|(n, _)| *n == part).unwrap().1 = margin;
            split_with(&model, &margins)
        };
        let layout = |part, margin| with(part, margin).unwrap().layout();
        assert_eq!(layout("decoder-tail", 1), LAYOUTS[1]);
        assert_eq!(layout("decoder-head", 9), LAYOUTS[1]);
        assert_eq!(layout("flow", 31), LAYOUTS[2]);
        let whole = with("decoder", 11).unwrap_err();
        assert_eq!(whole, "the decoder sees 11.1 frames each way, more than 11");
        // What the tail is given whole is cut out of the whole decoder.
        let parts = with("decoder-tail", 1).unwrap();
        let decoder = parts.part("decoder").unwrap();
        assert_eq!(names(decoder, GRAPH_OUTPUT), ["output"]);
        assert_eq!(names(decoder, GRAPH_INPUT), ["/Mul_7_output_0"]);
    }

    #[test]
    fn what_is_no_piper_graph_is_not_split() {
        assert!(split(b"\xff\xff").is_err());
        assert!(split(b"").unwrap_err().contains("no graph"));
        // A graph of one node: no decoder to find.
        let mut node = Vec::new();
        put_bytes(&mut node, NODE_INPUT, b"x");
        put_bytes(&mut node, NODE_OUTPUT, b"y");
        put_bytes(&mut node, NODE_OP_TYPE, b"Relu");
        let mut graph = Vec::new();
        put_bytes(&mut graph, GRAPH_NODE, &node);
        let mut model = Vec::new();
        put_varint_field(&mut model, 1, 8);
        put_bytes(&mut model, MODEL_GRAPH, &graph);
        assert!(split(&model).unwrap_err().contains("Conv of kernel 7"));
        // A Mul with no output name feeding a Conv of kernel 7: no latent.
        let mut weight = Vec::new();
        for d in [1, 1, 7] {
            put_varint_field(&mut weight, TENSOR_DIMS, d);
        }
        put_bytes(&mut weight, TENSOR_NAME, b"w");
        let mut mul = Vec::new();
        put_bytes(&mut mul, NODE_INPUT, b"x");
        put_bytes(&mut mul, NODE_OUTPUT, b"");
        put_bytes(&mut mul, NODE_OP_TYPE, b"Mul");
        let mut conv = Vec::new();
        put_bytes(&mut conv, NODE_INPUT, b"");
        put_bytes(&mut conv, NODE_INPUT, b"w");
        put_bytes(&mut conv, NODE_OUTPUT, b"out");
        put_bytes(&mut conv, NODE_OP_TYPE, b"Conv");
        let mut output = Vec::new();
        put_bytes(&mut output, VALUE_NAME, b"out");
        let mut graph = Vec::new();
        put_bytes(&mut graph, GRAPH_NODE, &mul);
        put_bytes(&mut graph, GRAPH_NODE, &conv);
        put_bytes(&mut graph, GRAPH_INITIALIZER, &weight);
        put_bytes(&mut graph, GRAPH_OUTPUT, &output);
        let mut model = Vec::new();
        put_bytes(&mut model, MODEL_GRAPH, &graph);
        assert!(split(&model).unwrap_err().contains("latent"));
    }
}
