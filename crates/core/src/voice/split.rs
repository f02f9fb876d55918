//! Splitting a Piper voice's ONNX graph in two at the decoder, so that a
//! sentence's audio can be decoded window by window (`windows.rs`).
//!
//! A Piper (VITS) graph ends with the HiFi-GAN decoder, which reads one
//! tensor: the masked latent `z * y_mask`, of shape [1, channels, frames]
//! (and, in multi-speaker voices, the speaker embedding, [1, gin, 1]). All
//! the rest (text encoder, durations, noise, flow) runs once per sentence.
//! Cutting there gives an *encoder* graph whose outputs are those tensors,
//! and a *decoder* graph that takes them and gives the audio.
//!
//! The cut is found by structure, not by node names, which depend on the
//! exporter: the decoder's first node is a Conv with a kernel of 7 whose
//! data input comes from a Mul (the mask), and the decoder is everything
//! downstream of it. The split is made on the protobuf wire: nodes,
//! initializers and value infos are copied byte for byte, and only the
//! lists of the graph (`node`, `initializer`, `input`, `output`,
//! `value_info`) are written anew, so no ONNX library is needed. A graph
//! that does not have this shape is not split ([`split`] says why) and the
//! voice runs whole.

use std::collections::{HashMap, HashSet};

/// The two halves of a voice, as ONNX model files.
#[derive(Debug, Clone)]
pub struct Halves {
    /// From the voice's inputs to the latent (and the speaker embedding).
    pub encoder: Vec<u8>,
    /// From the latent (and the speaker embedding) to the audio.
    pub decoder: Vec<u8>,
    /// Channels of the latent.
    pub channels: usize,
    /// The names of the tensors at the cut: the latent, then the speaker
    /// embedding if the voice has one.
    pub cut: Vec<String>,
}

/// Splits the ONNX model `model` at its decoder, or says why it cannot.
pub fn split(model: &[u8]) -> Result<Halves, String> {
    let fields = fields(model).ok_or("not an ONNX model (bad protobuf)")?;
    let graph_bytes = fields
        .iter()
        .find(|f| f.number == MODEL_GRAPH)
        .and_then(|f| f.bytes())
        .ok_or("the model has no graph")?;
    let graph = Graph::parse(graph_bytes).ok_or("the graph cannot be read")?;
    let cut = graph.find_cut()?;
    let encoder_inputs: Vec<String> = cut
        .graph_inputs_of_encoder
        .iter()
        .map(|n| (*n).to_owned())
        .collect();
    let encoder = graph.part(
        &cut.encoder_nodes,
        &encoder_inputs,
        &cut.outputs,
        &cut.tensor_types,
    );
    let decoder = graph.part(
        &cut.decoder_nodes,
        &cut.outputs,
        &graph.output_names(),
        &cut.tensor_types,
    );
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
    Ok(Halves {
        encoder: model_with(encoder),
        decoder: model_with(decoder),
        channels: cut.channels,
        cut: cut.outputs,
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
const NODE_DOMAIN: u32 = 7;
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
}

/// Where a graph splits.
struct Cut<'a> {
    encoder_nodes: Vec<usize>,
    decoder_nodes: Vec<usize>,
    /// The tensors at the cut: the latent first.
    outputs: Vec<String>,
    graph_inputs_of_encoder: Vec<&'a str>,
    channels: usize,
    /// Types written for the tensors at the cut (name -> ValueInfoProto).
    tensor_types: HashMap<String, Vec<u8>>,
}

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
        };
        for field in fields(bytes)? {
            match field.number {
                GRAPH_NODE => {
                    let mut node = Node {
                        raw: field.raw,
                        op_type: "",
                        inputs: Vec::new(),
                        outputs: Vec::new(),
                    };
                    for f in fields(field.bytes()?)? {
                        match f.number {
                            NODE_INPUT => node.inputs.push(f.string()?),
                            NODE_OUTPUT => node.outputs.push(f.string()?),
                            NODE_OP_TYPE => node.op_type = f.string()?,
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

    fn output_names(&self) -> Vec<String> {
        self.outputs.iter().map(|(n, _)| (*n).to_owned()).collect()
    }

    /// Finds the decoder: see the module docs.
    fn find_cut(&self) -> Result<Cut<'a>, String> {
        let producer: HashMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .flat_map(|(i, n)| n.outputs.iter().map(move |o| (*o, i)))
            .collect();
        let mut consumers: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            for input in &node.inputs {
                consumers.entry(input).or_default().push(i);
            }
        }
        let weight_dims = |node: &Node<'a>| -> Option<&[i64]> {
            let weight: &str = node.inputs.get(1)?;
            self.initializers.get(weight).map(|w| w.dims.as_slice())
        };
        // The first Conv (in file order, which ONNX keeps topological) with
        // a kernel of 7 reading a Mul: conv_pre.
        let (conv, channels) = self
            .nodes
            .iter()
            .enumerate()
            .find_map(|(i, node)| {
                let dims = weight_dims(node)?;
                let data = node.inputs.first()?;
                let from_mul = producer
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

        // Everything downstream of conv_pre.
        let mut decoder: HashSet<usize> = HashSet::new();
        let mut stack = vec![conv];
        while let Some(i) = stack.pop() {
            if !decoder.insert(i) {
                continue;
            }
            for output in &self.nodes[i].outputs {
                stack.extend(consumers.get(output).into_iter().flatten().copied());
            }
        }
        // Constants the decoder reads are copied into it.
        let mut constants = Vec::new();
        for &i in &decoder {
            for input in &self.nodes[i].inputs {
                if let Some(&p) = producer.get(input)
                    && !decoder.contains(&p)
                    && self.nodes[p].op_type == "Constant"
                {
                    constants.push(p);
                }
            }
        }
        decoder.extend(constants);
        let graph_outputs: HashSet<&str> = self.outputs.iter().map(|(n, _)| *n).collect();
        let reaches_output = decoder.iter().any(|&i| {
            self.nodes[i]
                .outputs
                .iter()
                .any(|o| graph_outputs.contains(o))
        });
        if !reaches_output {
            return Err("the decoder does not give the model's output".into());
        }
        // What crosses the cut: the latent, maybe the speaker embedding.
        let mut crossing: Vec<&str> = Vec::new();
        for &i in &decoder {
            for input in &self.nodes[i].inputs {
                let outside = !input.is_empty()
                    && !self.initializers.contains_key(input)
                    && producer.get(input).is_none_or(|p| !decoder.contains(p));
                if outside && !crossing.contains(input) {
                    crossing.push(input);
                }
            }
        }
        crossing.sort_by_key(|&name| name != latent);
        if latent.is_empty() || crossing.first() != Some(&latent) {
            return Err("the decoder does not read its latent from the graph".into());
        }
        let extra = &crossing[1..];
        if extra.len() > 1 {
            return Err(format!(
                "the decoder reads more than the latent and a speaker embedding: {crossing:?}"
            ));
        }
        if let Some(&g) = extra.first()
            && !producer.contains_key(g)
        {
            return Err(format!("the decoder reads the model input {g:?}"));
        }
        // The encoder: what the tensors at the cut need.
        let mut encoder: HashSet<usize> = HashSet::new();
        let mut stack: Vec<usize> = crossing
            .iter()
            .filter_map(|t| producer.get(t).copied())
            .collect();
        while let Some(i) = stack.pop() {
            if !encoder.insert(i) {
                continue;
            }
            for input in &self.nodes[i].inputs {
                if let Some(&p) = producer.get(input) {
                    stack.push(p);
                }
            }
        }
        let mut encoder_nodes: Vec<usize> = encoder.into_iter().collect();
        let mut decoder_nodes: Vec<usize> = decoder.into_iter().collect();
        encoder_nodes.sort_unstable();
        decoder_nodes.sort_unstable();
        let used: HashSet<&str> = encoder_nodes
            .iter()
            .flat_map(|&i| self.nodes[i].inputs.iter().copied())
            .collect();
        let graph_inputs_of_encoder = self
            .inputs
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| used.contains(n))
            .collect();
        let mut tensor_types = HashMap::new();
        tensor_types.insert(
            latent.to_owned(),
            tensor_type(
                latent,
                &[
                    Dim::Value(1),
                    Dim::Value(channels as u64),
                    Dim::Param("frames"),
                ],
            ),
        );
        if let Some(&g) = extra.first() {
            let dims = [Dim::Value(1), Dim::Param("speaker_channels"), Dim::Value(1)];
            tensor_types.insert(g.to_owned(), tensor_type(g, &dims));
        }
        Ok(Cut {
            encoder_nodes,
            decoder_nodes,
            outputs: crossing.iter().map(|s| (*s).to_owned()).collect(),
            graph_inputs_of_encoder,
            channels,
            tensor_types,
        })
    }

    /// A graph of `nodes` (indices, in order) from `inputs` to `outputs`.
    fn part(
        &self,
        nodes: &[usize],
        inputs: &[String],
        outputs: &[String],
        types: &HashMap<String, Vec<u8>>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        for raw in &self.kept {
            out.extend_from_slice(raw);
        }
        let mut used: HashSet<&str> = HashSet::new();
        for &i in nodes {
            out.extend_from_slice(self.nodes[i].raw);
            used.extend(self.nodes[i].inputs.iter().copied());
            used.extend(self.nodes[i].outputs.iter().copied());
        }
        for name in &self.initializer_order {
            if used.contains(name) {
                out.extend_from_slice(self.initializers[name].raw);
            }
        }
        let lists: [(u32, &[String], &[Named]); 2] = [
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

    #[test]
    fn a_voice_splits_at_its_latent_and_the_noise_stays_before_the_cut() {
        for (name, cut) in [
            ("vi_VN-test-tiny.onnx", 1),
            ("vi_VN-test-tiny_multi.onnx", 2),
        ] {
            let model = voice(name);
            let halves = split(&model).unwrap();
            assert_eq!(halves.channels, 16, "{name}");
            assert_eq!(halves.cut.len(), cut, "{name}: {:?}", halves.cut);
            assert_eq!(halves.cut[0], "/Mul_7_output_0");
            let (encoder, decoder) = (op_types(&halves.encoder), op_types(&halves.decoder));
            let random = |ops: &[String]| ops.iter().filter(|o| o.starts_with("Random")).count();
            assert_eq!(random(&decoder), 0, "{name}: the decoder draws no noise");
            assert!(random(&encoder) >= 2, "{name}: the encoder draws it all");
            assert_eq!(decoder.first().map(String::as_str), Some("Conv"));
            // Every node is in a half; the decoder's Constants are in both.
            assert!(encoder.len() + decoder.len() >= op_types(&model).len());
        }
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
