using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace CceGen.Kernels.Tests;

/// <summary>One case of Fixtures/scce_cases.json.</summary>
public sealed record ScceCase(
    string Name,
    Dtype Dtype,
    CceInput Input,
    string LabelShape,
    int Rows,
    int ClassCount,
    double[] Values,
    long[] Labels,
    double[] ExpectedRows,
    double ExpectedMean,
    double ExpectedSum,
    double[]? TorchFloat32Rows)
{
    /// <summary>The case as a batch (values checked to be exactly representable in its dtype).</summary>
    public Batch ToBatch() => new("scce_cases.json " + Name, Dtype, Rows, ClassCount, Values, Labels);

    public override string ToString() => Name;
}

/// <summary>One case of Fixtures/nonfinite.json.</summary>
public sealed record NonfiniteCase(
    int Index,
    string Kind,
    double[] Row,
    long Label,
    double? TorchFloat64,
    double? TorchFloat32,
    double? KerasFloat64)
{
    public override string ToString() =>
        $"nonfinite.json #{Index} {Kind} [{string.Join(", ", Row.Select(v => Tolerance.Format(v)))}] label {Label}";
}

/// <summary>One case of Fixtures/bad_inputs.json (what it asks for is spelled out in the bad-call tests).</summary>
public sealed record BadInputCase(string Name, string Expect, JsonElement Raw);

/// <summary>Loads the fixture copies shipped in the test output folder.</summary>
public static class Fixtures
{
    private static readonly Lazy<IReadOnlyList<ScceCase>> s_scce = new(LoadScce);
    private static readonly Lazy<IReadOnlyList<NonfiniteCase>> s_nonfinite = new(LoadNonfinite);
    private static readonly Lazy<IReadOnlyList<BadInputCase>> s_bad = new(LoadBad);

    public static IReadOnlyList<ScceCase> ScceCases => s_scce.Value;

    public static IReadOnlyList<NonfiniteCase> NonfiniteCases => s_nonfinite.Value;

    public static IReadOnlyList<BadInputCase> BadInputs => s_bad.Value;

    public static string PathOf(string fileName) => Path.Combine(AppContext.BaseDirectory, "Fixtures", fileName);

    /// <summary>A JSON number, or one of the strings "inf", "-inf", "nan".</summary>
    public static double Number(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Number)
        {
            return e.GetDouble();
        }

        return e.GetString() switch
        {
            "inf" or "Infinity" => double.PositiveInfinity,
            "-inf" or "-Infinity" => double.NegativeInfinity,
            "nan" or "NaN" => double.NaN,
            string s => throw new FormatException($"not a number: '{s}'"),
            null => throw new FormatException("null number"),
        };
    }

    private static IReadOnlyList<ScceCase> LoadScce()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(PathOf("scce_cases.json")));
        var list = new List<ScceCase>();
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            Dtype dtype = c.GetProperty("dtype").GetString() switch
            {
                "float32" => Dtype.Float,
                "float16" => Dtype.Half,
                string s => throw new FormatException($"{name}: dtype {s}"),
                null => throw new FormatException(name),
            };
            CceInput input = c.GetProperty("kind").GetString() switch
            {
                "logits" => CceInput.Logits,
                "probs_torch" => CceInput.PyTorchProbabilities,
                "probs_keras" => CceInput.KerasProbabilities,
                string s => throw new FormatException($"{name}: kind {s}"),
                null => throw new FormatException(name),
            };
            int b = c.GetProperty("B").GetInt32();
            int cc = c.GetProperty("C").GetInt32();
            var values = new List<double>(b * cc);
            foreach (JsonElement row in c.GetProperty("y_pred").EnumerateArray())
            {
                int before = values.Count;
                foreach (JsonElement v in row.EnumerateArray())
                {
                    double d = Number(v);
                    if (!double.IsNaN(d) && Batch.Round(dtype, d) != d)
                    {
                        throw new FormatException($"{name}: y_pred value {Tolerance.Format(d)} is not exactly representable as {dtype}");
                    }

                    values.Add(d);
                }

                if (values.Count - before != cc)
                {
                    throw new FormatException($"{name}: a row does not have C = {cc} values");
                }
            }

            var labels = new List<long>();
            foreach (JsonElement y in c.GetProperty("y_true").EnumerateArray())
            {
                labels.Add(y.ValueKind == JsonValueKind.Array ? y[0].GetInt64() : y.GetInt64());
            }

            double[]? torch = c.TryGetProperty("torch_1_13_float32_per_sample", out JsonElement t)
                ? t.EnumerateArray().Select(Number).ToArray()
                : null;
            if (values.Count != b * cc || labels.Count != b)
            {
                throw new FormatException($"{name}: B/C do not match y_pred/y_true");
            }

            list.Add(new ScceCase(name, dtype, input, c.GetProperty("label_shape").GetString()!, b, cc, values.ToArray(), labels.ToArray(),
                c.GetProperty("expected_per_sample_f64").EnumerateArray().Select(Number).ToArray(),
                Number(c.GetProperty("expected_mean_f64")),
                Number(c.GetProperty("expected_sum_f64")),
                torch));
        }

        return list;
    }

    private static IReadOnlyList<NonfiniteCase> LoadNonfinite()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(PathOf("nonfinite.json")));
        var list = new List<NonfiniteCase>();
        int index = 0;
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            list.Add(new NonfiniteCase(
                index++,
                c.GetProperty("kind").GetString()!,
                c.GetProperty("row").EnumerateArray().Select(Number).ToArray(),
                c.GetProperty("label").GetInt64(),
                Optional(c, "torch_float64"),
                Optional(c, "torch_float32"),
                Optional(c, "keras_float64")));
        }

        return list;
    }

    private static IReadOnlyList<BadInputCase> LoadBad()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(PathOf("bad_inputs.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new BadInputCase(c.GetProperty("name").GetString()!, c.GetProperty("expect").GetString()!, c.Clone()))
            .ToList();
    }

    private static double? Optional(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) ? Number(v) : null;
}
