#!/usr/bin/env python3
"""Writes KernelTable.Declarations.cs: the kernels the reliability tests and the guard probe declare.

Run from this folder (python3 generate_kernels.py) after changing the selection below; the output is committed.
Every input kind x dtype gets six runtime-C kernels (option sets r1..r6) and, for each compile-time C, one kernel per
option set f1..f6 rotated over input x dtype, so every fixed C sees every option set once.
"""

INPUTS = [("Logits", "L"), ("PyTorchProbabilities", "P"), ("KerasProbabilities", "K")]
DTYPES = [("float", "F"), ("Half", "H")]
FIXED_C = [1, 3, 10, 16, 17, 33, 64, 100]

# stride: D dense, R runtime parameter, F+k fixed RowStride = C + k; labels: (type, shape, labelStride parameter)
# grad: None | "float" | "Half" | "same"; up: upstream (None only); red: Mean | Sum | None; correct: out int correct
RUNTIME_SETS = {
    "r1": dict(stride="D", lab=("int", "Vector", False), red="None", grad=None, up=False, correct=False),
    "r2": dict(stride="R", lab=("long", "Column", True), red="Mean", grad="float", up=False, correct=True),
    "r3": dict(stride="R", lab=("int", "Vector", False), red="None", grad="same", up=True, correct=True),
    "r4": dict(stride="D", lab=("long", "Vector", False), red="Mean", grad="Half", up=False, correct=False),
    # Sum + 'out int correct' right after Column labels (misread as a label stride before commit 23600b6).
    "r5": dict(stride="D", lab=("int", "Column", False), red="Sum", grad=None, up=False, correct=True),
    "r6": dict(stride="D", lab=("int", "Vector", False), red="None", grad="float", up=False, correct=False),
}
FIXED_SETS = [
    ("f1", dict(stride="D", lab=("int", "Vector", False), red="None", grad="same", up=True, correct=True)),
    ("f2", dict(stride="F3", lab=("long", "Column", True), red="Mean", grad="float", up=False, correct=True)),
    ("f3", dict(stride="R", lab=("int", "Vector", False), red="Sum", grad="Half", up=False, correct=False)),
    ("f4", dict(stride="D", lab=("long", "Vector", False), red="Mean", grad=None, up=False, correct=True)),
    ("f5", dict(stride="D", lab=("int", "Vector", False), red="None", grad=None, up=False, correct=False)),
    ("f6", dict(stride="F1", lab=("int", "Column", True), red="None", grad="float", up=False, correct=True)),
]


def kernel(inp, dt, c, name, o):
    grad = dt[0] if o["grad"] == "same" else o["grad"]
    attr = [f"CceInput.{inp[0]}", f"CceReduction.{o['red']}"]
    ltype, lshape, lstride = o["lab"]
    if lshape == "Column":
        attr.append("Labels = CceLabelShape.Column")
    if c:
        attr.append(f"ClassCount = {c}")
    fixed_stride = 0
    if o["stride"].startswith("F"):
        fixed_stride = c + int(o["stride"][1:])
        attr.append(f"RowStride = {fixed_stride}")
    params = [f"ReadOnlySpan<{dt[0]}> predictions"]
    args = ["a.Pf" if dt[0] == "float" else "a.Ph"]
    if not c:
        params.append("int classCount"); args.append("a.C")
    if o["stride"] == "R":
        params.append("int rowStride"); args.append("a.RowStride")
    params.append(f"ReadOnlySpan<{ltype}> labels"); args.append("a.Li" if ltype == "int" else "a.Ll")
    if lstride:
        params.append("int labelStride"); args.append("a.LabelStride")
    if o["red"] == "None":
        params.append("Span<float> losses"); args.append("a.Losses")
    if grad:
        params.append(f"Span<{grad}> gradient"); args.append("a.Gf" if grad == "float" else "a.Gh")
    if o["up"] and grad and o["red"] == "None":
        params.append("ReadOnlySpan<float> upstream"); args.append("a.Up")
    if o["correct"]:
        params.append("out int correct"); args.append("out a.Correct")
    ret = "void" if o["red"] == "None" else "float"
    decl = (f"    [SparseCceKernel({', '.join(attr)})]\n"
            f"    public static partial {ret} {name}({', '.join(params)});\n")
    call = f"K.{name}({', '.join(args)})"
    body = call + ";" if ret == "void" else f"a.Result = {call};"
    stride_kind = {"D": "StrideKind.Dense", "R": "StrideKind.Runtime"}.get(o["stride"], "StrideKind.Fixed")
    grad_kind = {None: "GradKind.None", "float": "GradKind.Float", "Half": "GradKind.Half"}[grad]
    info = (f"        new(\"{name}\", CceInput.{inp[0]}, {str(dt[0] == 'Half').lower()}, {c}, {stride_kind}, {fixed_stride}, "
            f"{str(ltype == 'long').lower()}, {str(lshape == 'Column').lower()}, {str(lstride).lower()}, CceReduction.{o['red']}, "
            f"{grad_kind}, {str(bool(o['up'] and grad)).lower()}, {str(o['correct']).lower()}, (ref KernelArgs a) => {{ {body} }}),\n")
    return decl, info


decls, infos = [], []
for inp in INPUTS:
    for dt in DTYPES:
        for key, o in RUNTIME_SETS.items():
            d, i = kernel(inp, dt, 0, f"{inp[1]}{dt[1]}_Rt_{key}", o)
            decls.append(d); infos.append(i)
combos = [(inp, dt) for inp in INPUTS for dt in DTYPES]
for ci, c in enumerate(FIXED_C):
    for k, (inp, dt) in enumerate(combos):
        key, o = FIXED_SETS[(ci + k) % len(FIXED_SETS)]
        d, i = kernel(inp, dt, c, f"{inp[1]}{dt[1]}_C{c}_{key}", o)
        decls.append(d); infos.append(i)

with open("KernelTable.Declarations.cs", "w") as f:
    f.write("// <generated by generate_kernels.py: edit the script, not this file />\n")
    f.write("using System;\n\nnamespace CceGen.Reliability;\n\n")
    f.write("/// <summary>The kernels under test: every input kind, float and Half, runtime and compile-time C, dense and\n")
    f.write("/// strided rows, Vector and Column labels, None/Mean/Sum, with and without fused gradient, upstream and accuracy.</summary>\n")
    f.write("public static partial class K\n{\n")
    f.write("\n".join(decls))
    f.write("}\n\npublic static partial class KernelTable\n{\n")
    f.write(f"    /// <summary>All {len(infos)} kernels.</summary>\n")
    f.write("    public static readonly KernelInfo[] All =\n    {\n")
    f.write("".join(infos))
    f.write("    };\n}\n")
print(len(infos), "kernels")
