using System;
using System.Globalization;

namespace CceGen.FashionMnist;

/// <summary>A command-line problem: reported as one line on stderr, exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }
}

internal enum ModelChoice
{
    Softmax,
    Mlp,
    Both,
}

internal enum OptimizerChoice
{
    Sgd,
    Adam,
}

internal enum Schedule
{
    Cosine,
    Constant,
}

internal enum DType
{
    F32,
    F16,
}

internal sealed class Options
{
    public const int DefaultEpochsEmbedded = 20;
    public const int DefaultEpochsFull = 10;
    public const int DefaultBatch = 64;
    public const int DefaultHidden = 128;
    public const ulong DefaultSeed = 42;
    public const float DefaultLrAdam = 2e-3f;
    public const float DefaultLrSgd = 0.05f;

    public const string Usage =
        """
        CceGen.FashionMnist: trains softmax regression and an MLP on Fashion-MNIST in plain C#, with the
        sparse categorical cross-entropy loss step delegated to a pluggable (CceGen-generated) kernel.

        Usage: dotnet run --project samples/CceGen.FashionMnist -c Release -- [options]

        Data:
          (default)             embedded subset: the 10,000-image Fashion-MNIST test set shipped in the assembly,
                                split per class in file order into 8,000 train / 2,000 held-out
          --data DIR            full data: train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
                                t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz from DIR (.gz optional);
                                60,000 train / 10,000 held-out (e.g. /usr/share/datasets/fashion-mnist)

        Training:
          --model M             softmax | mlp | both (default both: softmax first, then the MLP)
          --optimizer O         adam | sgd (default adam; sgd uses momentum 0.9)
          --epochs N            epochs per model (default 20 on the embedded subset, 10 with --data)
          --batch N             mini-batch size (default 64)
          --lr X                peak learning rate (default 0.002 for adam, 0.05 for sgd)
          --schedule S          cosine | constant (default cosine: per-step cosine decay from --lr to 0)
          --hidden N            MLP hidden units (default 128)
          --seed N              seed for initialisation and shuffling (default 42); same seed, same numbers
          --dtype T             f32 | f16 (default f32); f16 stores the logits as System.Half before the loss
                                kernel reads them; the gradient comes back as float

        Output:
          --out DIR             where to write fashion-mnist-curves.svg (default: current directory)
          -h, --help            print this help

        Exit codes: 0 success, 2 bad command line or bad/missing data file, 1 unexpected error.
        """;

    public ModelChoice Model { get; private set; } = ModelChoice.Both;

    public OptimizerChoice Optimizer { get; private set; } = OptimizerChoice.Adam;

    public int? Epochs { get; private set; }

    public int Batch { get; private set; } = DefaultBatch;

    public float? LearningRate { get; private set; }

    public Schedule Schedule { get; private set; } = Schedule.Cosine;

    public int Hidden { get; private set; } = DefaultHidden;

    public ulong Seed { get; private set; } = DefaultSeed;

    public DType DType { get; private set; } = DType.F32;

    public string? DataDirectory { get; private set; }

    public string? OutDirectory { get; private set; }

    public bool Help { get; private set; }

    public float EffectiveLearningRate => LearningRate ?? (Optimizer == OptimizerChoice.Adam ? DefaultLrAdam : DefaultLrSgd);

    public int EffectiveEpochs => Epochs ?? (DataDirectory is null ? DefaultEpochsEmbedded : DefaultEpochsFull);

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                o.Help = true;
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}' (options start with --; see --help)");
            }

            string name = arg;
            string? value = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                name = arg[..eq];
                value = arg[(eq + 1)..];
            }

            string Value()
            {
                if (value is not null)
                {
                    return value;
                }
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"option {name} needs a value (see --help)");
                }
                return args[++i];
            }

            switch (name)
            {
                case "--model":
                    o.Model = Value() switch
                    {
                        "softmax" => ModelChoice.Softmax,
                        "mlp" => ModelChoice.Mlp,
                        "both" => ModelChoice.Both,
                        var v => throw new UsageException($"--model must be softmax, mlp or both, not '{v}'"),
                    };
                    break;
                case "--optimizer":
                    o.Optimizer = Value() switch
                    {
                        "sgd" => OptimizerChoice.Sgd,
                        "adam" => OptimizerChoice.Adam,
                        var v => throw new UsageException($"--optimizer must be sgd or adam, not '{v}'"),
                    };
                    break;
                case "--schedule":
                    o.Schedule = Value() switch
                    {
                        "cosine" => Schedule.Cosine,
                        "constant" => Schedule.Constant,
                        var v => throw new UsageException($"--schedule must be cosine or constant, not '{v}'"),
                    };
                    break;
                case "--dtype":
                    o.DType = Value() switch
                    {
                        "f32" => DType.F32,
                        "f16" => DType.F16,
                        var v => throw new UsageException($"--dtype must be f32 or f16, not '{v}'"),
                    };
                    break;
                case "--epochs":
                    o.Epochs = ParseInt(name, Value(), 1, 10_000);
                    break;
                case "--batch":
                    o.Batch = ParseInt(name, Value(), 1, 65_536);
                    break;
                case "--hidden":
                    o.Hidden = ParseInt(name, Value(), 1, 65_536);
                    break;
                case "--seed":
                {
                    string v = Value();
                    if (!ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
                    {
                        throw new UsageException($"--seed must be a non-negative integer, not '{v}'");
                    }
                    o.Seed = seed;
                    break;
                }
                case "--lr":
                {
                    string v = Value();
                    if (!float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float lr)
                        || !float.IsFinite(lr) || lr <= 0f)
                    {
                        throw new UsageException($"--lr must be a positive number, not '{v}'");
                    }
                    o.LearningRate = lr;
                    break;
                }
                case "--data":
                    o.DataDirectory = NonEmpty(name, Value());
                    break;
                case "--out":
                    o.OutDirectory = NonEmpty(name, Value());
                    break;
                default:
                    throw new UsageException($"unknown option '{name}' (see --help)");
            }
        }
        return o;
    }

    private static int ParseInt(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
        {
            throw new UsageException($"{name} must be an integer in {min}..{max}, not '{value}'");
        }
        return n;
    }

    private static string NonEmpty(string name, string value)
    {
        if (value.Length == 0)
        {
            throw new UsageException($"{name} needs a non-empty value");
        }
        return value;
    }
}
