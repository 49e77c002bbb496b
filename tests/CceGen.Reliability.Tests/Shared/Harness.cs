using System;
using CceGen.Runtime;

namespace CceGen.Reliability;

/// <summary>How a kernel's rows are laid out.</summary>
public enum StrideKind
{
    /// <summary>Row stride = C.</summary>
    Dense,

    /// <summary>An <c>int rowStride</c> parameter.</summary>
    Runtime,

    /// <summary><c>RowStride = S</c> in the attribute.</summary>
    Fixed,
}

/// <summary>The fused gradient output of a kernel.</summary>
public enum GradKind
{
    /// <summary>No gradient parameter.</summary>
    None,

    /// <summary><c>Span&lt;float&gt; gradient</c>.</summary>
    Float,

    /// <summary><c>Span&lt;Half&gt; gradient</c>.</summary>
    Half,
}

/// <summary>Every argument a kernel of the table may take; each kernel's adapter picks the ones it declares.</summary>
public ref struct KernelArgs
{
    public ReadOnlySpan<float> Pf;
    public ReadOnlySpan<Half> Ph;
    public int C;
    public int RowStride;
    public ReadOnlySpan<int> Li;
    public ReadOnlySpan<long> Ll;
    public int LabelStride;
    public Span<float> Losses;
    public Span<float> Gf;
    public Span<Half> Gh;
    public ReadOnlySpan<float> Up;
    public int Correct;
    public float Result;
}

/// <summary>Calls one generated kernel with the arguments it declares.</summary>
public delegate void KernelCall(ref KernelArgs args);

/// <summary>Edits the arguments of a call before it is made.</summary>
public delegate void ArgsEditor(ref KernelArgs args);

/// <summary>One declared kernel and what its declaration says.</summary>
public sealed record KernelInfo(
    string Name,
    CceInput Input,
    bool HalfInput,
    int FixedC,
    StrideKind Stride,
    int FixedStride,
    bool LongLabels,
    bool ColumnLabels,
    bool HasLabelStride,
    CceReduction Reduction,
    GradKind Grad,
    bool HasUpstream,
    bool HasCorrect,
    KernelCall Call)
{
    public bool RuntimeC => FixedC == 0;

    public bool HasLosses => Reduction == CceReduction.None;

    public override string ToString() => Name;
}

/// <summary>One call's inputs as managed arrays, laid out as the kernel reads them (strided rows, strided labels).</summary>
public sealed class Case
{
    /// <summary>Bits written into every output element before a call (a NaN with a payload no kernel produces).</summary>
    public const uint FloatSentinelBits = 0x7FC05E57u;

    /// <summary>Half sentinel (a NaN with a payload).</summary>
    public const ushort HalfSentinelBits = 0x7E57;

    public Case(KernelInfo kernel, int batch, int classCount, int rowStride, int labelStride)
    {
        Kernel = kernel;
        B = batch;
        C = classCount;
        RowStride = rowStride;
        LabelStride = labelStride;
        PredictionLength = batch == 0 ? 0 : ((batch - 1) * rowStride) + classCount;
        LabelLength = batch == 0 ? 0 : ((batch - 1) * labelStride) + 1;
        if (kernel.HalfInput)
        {
            PredH = new Half[PredictionLength];
        }
        else
        {
            PredF = new float[PredictionLength];
        }

        if (kernel.LongLabels)
        {
            LabL = new long[LabelLength];
        }
        else
        {
            LabI = new int[LabelLength];
        }

        Up = kernel.HasUpstream ? new float[batch] : null;
    }

    public KernelInfo Kernel { get; }
    public int B { get; }
    public int C { get; }
    public int RowStride { get; }
    public int LabelStride { get; }
    public int PredictionLength { get; }
    public int LabelLength { get; }
    public float[]? PredF { get; }
    public Half[]? PredH { get; }
    public int[]? LabI { get; }
    public long[]? LabL { get; }
    public float[]? Up { get; }

    public int LossLength => Kernel.HasLosses ? B : 0;

    public int GradLength => Kernel.Grad == GradKind.None ? 0 : PredictionLength;

    /// <summary>The row stride and label stride a kernel accepts for a wanted layout (fixed ones win).</summary>
    public static Case For(KernelInfo k, int batch, int classCount, int wantedRowStride, int wantedLabelStride)
    {
        int c = k.RuntimeC ? classCount : k.FixedC;
        int stride = k.Stride switch
        {
            StrideKind.Dense => c,
            StrideKind.Fixed => k.FixedStride,
            _ => Math.Max(c, wantedRowStride),
        };
        int labelStride = k.HasLabelStride ? Math.Max(1, wantedLabelStride) : 1;
        return new Case(k, batch, c, stride, labelStride);
    }

    public float Pred(int row, int j) => PredF is not null ? PredF[(row * RowStride) + j] : (float)PredH![(row * RowStride) + j];

    public void SetPred(int row, int j, float value)
    {
        if (PredF is not null)
        {
            PredF[(row * RowStride) + j] = value;
        }
        else
        {
            PredH![(row * RowStride) + j] = (Half)value;
        }
    }

    public long Label(int row) => LabL is not null ? LabL[row * LabelStride] : LabI![row * LabelStride];

    public void SetLabel(int row, long value)
    {
        if (LabL is not null)
        {
            LabL[row * LabelStride] = value;
        }
        else
        {
            LabI![row * LabelStride] = (int)value;
        }
    }

    /// <summary>Random inputs suited to the kernel's input kind; padding (between rows, between labels) gets <paramref name="padding"/>
    /// and an invalid label, which a correct kernel never reads.</summary>
    public Case Fill(int seed, float padding = float.NaN)
    {
        var rng = new Random(seed);
        for (int i = 0; i < PredictionLength; i++)
        {
            SetRaw(i, padding);
        }

        for (int row = 0; row < B; row++)
        {
            if (Kernel.Input == CceInput.Logits)
            {
                for (int j = 0; j < C; j++)
                {
                    SetPred(row, j, (float)((rng.NextDouble() * 16) - 8));
                }
            }
            else
            {
                double total = 0;
                var raw = new double[C];
                for (int j = 0; j < C; j++)
                {
                    raw[j] = Math.Exp((rng.NextDouble() * 6) - 3);
                    total += raw[j];
                }

                for (int j = 0; j < C; j++)
                {
                    SetPred(row, j, (float)(raw[j] / total));
                }
            }
        }

        for (int i = 0; i < LabelLength; i++)
        {
            if (LabL is not null)
            {
                LabL[i] = long.MinValue;
            }
            else
            {
                LabI![i] = int.MinValue;
            }
        }

        for (int row = 0; row < B; row++)
        {
            SetLabel(row, rng.Next(C));
        }

        if (Up is not null)
        {
            for (int row = 0; row < B; row++)
            {
                Up[row] = (float)(0.5 + (rng.NextDouble() * 1.5));
            }
        }

        return this;
    }

    /// <summary>Sets every padding element (not a class of a row) to <paramref name="value"/>.</summary>
    public void SetPadding(float value)
    {
        for (int i = 0; i < PredictionLength; i++)
        {
            if (i % RowStride >= C)
            {
                SetRaw(i, value);
            }
        }
    }

    private void SetRaw(int i, float value)
    {
        if (PredF is not null)
        {
            PredF[i] = value;
        }
        else
        {
            PredH![i] = (Half)value;
        }
    }

    public override string ToString() =>
        $"{Kernel.Name} B={B} C={C} rowStride={RowStride} labelStride={LabelStride}";
}

/// <summary>Seeds that are the same in every process (HashCode.Combine is randomized per process).</summary>
public static class Seed
{
    /// <summary>FNV-1a over the parts' invariant text.</summary>
    public static int Of(params object[] parts)
    {
        uint h = 2166136261;
        foreach (object part in parts)
        {
            string text = Convert.ToString(part, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            foreach (char ch in text + "|")
            {
                h = unchecked((h ^ ch) * 16777619); // the project compiles checked (see the .csproj)
            }
        }

        return (int)(h & 0x7FFFFFFF);
    }
}

/// <summary>What one call returned and wrote.</summary>
public sealed class Outcome
{
    public float Result;
    public int Correct;
    public float[] Losses = Array.Empty<float>();
    public float[] GradF = Array.Empty<float>();
    public Half[] GradH = Array.Empty<Half>();

    public static Outcome ForCase(Case c)
    {
        var o = new Outcome { Losses = new float[c.LossLength], Result = float.NaN, Correct = -1 };
        Array.Fill(o.Losses, BitConverter.UInt32BitsToSingle(Case.FloatSentinelBits));
        if (c.Kernel.Grad == GradKind.Float)
        {
            o.GradF = new float[c.GradLength];
            Array.Fill(o.GradF, BitConverter.UInt32BitsToSingle(Case.FloatSentinelBits));
        }
        else if (c.Kernel.Grad == GradKind.Half)
        {
            o.GradH = new Half[c.GradLength];
            Array.Fill(o.GradH, BitConverter.UInt16BitsToHalf(Case.HalfSentinelBits));
        }

        return o;
    }

    /// <summary>The gradient element at (row, j) as float (NaN sentinel when not written).</summary>
    public float Grad(Case c, int row, int j) =>
        c.Kernel.Grad == GradKind.Float ? GradF[(row * c.RowStride) + j] : (float)GradH[(row * c.RowStride) + j];

    /// <summary>Empty when bit-identical, else a description of the first difference.</summary>
    public string DiffersFrom(Outcome other, Case c)
    {
        if (Bits(Result) != Bits(other.Result))
        {
            return $"result {Show(Result)} vs {Show(other.Result)}";
        }

        if (Correct != other.Correct)
        {
            return $"correct {Correct} vs {other.Correct}";
        }

        for (int i = 0; i < Losses.Length; i++)
        {
            if (Bits(Losses[i]) != Bits(other.Losses[i]))
            {
                return $"loss[{i}] {Show(Losses[i])} vs {Show(other.Losses[i])}";
            }
        }

        for (int i = 0; i < GradF.Length; i++)
        {
            if (Bits(GradF[i]) != Bits(other.GradF[i]))
            {
                return $"gradient[{i}] (row {i / c.RowStride}, class {i % c.RowStride}) {Show(GradF[i])} vs {Show(other.GradF[i])}";
            }
        }

        for (int i = 0; i < GradH.Length; i++)
        {
            if (BitConverter.HalfToUInt16Bits(GradH[i]) != BitConverter.HalfToUInt16Bits(other.GradH[i]))
            {
                return $"gradient[{i}] (row {i / c.RowStride}, class {i % c.RowStride}) {(float)GradH[i]} vs {(float)other.GradH[i]}";
            }
        }

        return string.Empty;
    }

    /// <summary>Number of gradient padding elements (between rows) that no longer hold the sentinel.</summary>
    public int PaddingWrites(Case c)
    {
        int n = 0;
        for (int i = 0; i < c.GradLength; i++)
        {
            if (i % c.RowStride < c.C)
            {
                continue;
            }

            bool untouched = c.Kernel.Grad == GradKind.Float
                ? Bits(GradF[i]) == Case.FloatSentinelBits
                : BitConverter.HalfToUInt16Bits(GradH[i]) == Case.HalfSentinelBits;
            n += untouched ? 0 : 1;
        }

        return n;
    }

    public static uint Bits(float f) => BitConverter.SingleToUInt32Bits(f);

    public static string Show(float f) =>
        float.IsNaN(f) ? $"NaN(0x{Bits(f):X8})" : f.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Runs a case through its kernel, on managed arrays or on caller-provided spans.</summary>
public static class Runner
{
    /// <summary>Calls the kernel on fresh, exactly sized managed arrays (outputs pre-filled with sentinels).</summary>
    public static Outcome Run(Case c, CpuPath? path = null) => Run(c, path, static (ref KernelArgs _) => { });

    /// <summary>Like <see cref="Run(Case, CpuPath?)"/>, with the arguments edited (bad strides, counts) before the call.</summary>
    public static Outcome Run(Case c, CpuPath? path, ArgsEditor edit)
    {
        Outcome o = Outcome.ForCase(c);
        var a = new KernelArgs
        {
            Pf = c.PredF,
            Ph = c.PredH,
            C = c.C,
            RowStride = c.RowStride,
            Li = c.LabI,
            Ll = c.LabL,
            LabelStride = c.LabelStride,
            Losses = o.Losses,
            Gf = o.GradF,
            Gh = o.GradH,
            Up = c.Up,
            Correct = -1,
            Result = float.NaN,
        };
        edit(ref a);
        Invoke(c.Kernel, ref a, path);
        o.Result = a.Result;
        o.Correct = a.Correct;
        return o;
    }

    /// <summary>Calls the kernel with <paramref name="a"/> (any memory), on <paramref name="path"/> when given.</summary>
    public static void Invoke(KernelInfo k, ref KernelArgs a, CpuPath? path)
    {
        if (path is { } p)
        {
            using CpuDispatch.ForcedPathScope scope = CpuDispatch.Force(p);
            k.Call(ref a);
        }
        else
        {
            k.Call(ref a);
        }
    }
}
