using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CceGen.Generator.Tests;

/// <summary>The pipeline caches: edits that do not change a kernel re-run nothing past the parse step.</summary>
public class IncrementalTests
{
    private const string Kernel = """
        using System;
        using CceGen;

        namespace Demo;

        public static partial class Losses
        {
            [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
            public static partial float Loss(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels);

            public static int Helper() => 1;
        }
        """;

    private const string Other = "namespace Demo; public class Unrelated { public int X => 1; }";

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) First(params string[] sources)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(sources);
        GeneratorDriver driver = GeneratorHarness.Driver(compilation).RunGenerators(compilation);
        return (driver, compilation);
    }

    private static GeneratorRunResult Rerun(GeneratorDriver driver, CSharpCompilation compilation) =>
        driver.RunGenerators(compilation).GetRunResult().Results[0];

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static CSharpCompilation Replace(CSharpCompilation compilation, int index, string text)
    {
        SyntaxTree old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)old.Options, old.FilePath));
    }

    [Fact]
    public void UnrelatedFileEditKeepsEverythingCached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = First(Kernel, Other);
        GeneratorRunResult result = Rerun(driver, Replace(compilation, 1, Other.Replace("1", "2")));
        Assert.All(Reasons(result, TrackingNames.Parse), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(result, TrackingNames.Emit), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Theory]
    [InlineData("public static int Helper() => 1;", "public static int Helper() => 2;")]
    [InlineData("[SparseCceKernel(", "// a comment\n    [SparseCceKernel(")]
    [InlineData("public static int Helper() => 1;", "public static int Helper() => 1;\n    public static int Another() => 3;")]
    public void EditsThatDoNotChangeTheKernelAreUnchanged(string from, string to)
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = First(Kernel);
        GeneratorRunResult result = Rerun(driver, Replace(compilation, 0, Kernel.Replace(from, to)));
        Assert.All(Reasons(result, TrackingNames.Parse), r => Assert.Equal(IncrementalStepRunReason.Unchanged, r));
        Assert.All(Reasons(result, TrackingNames.Emit), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void ChangedAttributeArgumentIsModified()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = First(Kernel);
        GeneratorRunResult result = Rerun(driver, Replace(compilation, 0, Kernel.Replace("ClassCount = 10", "ClassCount = 12")));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, TrackingNames.Parse));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(result, TrackingNames.Emit));
    }

    [Fact]
    public void SecondKernelIsNewAndFirstIsUnchanged()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = First(Kernel);
        string two = Kernel.Replace(
            "public static int Helper() => 1;",
            "[SparseCceKernel(CceInput.Logits, CceReduction.Sum, ClassCount = 3)]\n    public static partial float Other(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels);");
        GeneratorRunResult result = Rerun(driver, Replace(compilation, 0, two));
        IncrementalStepRunReason[] emit = Reasons(result, TrackingNames.Emit).ToArray();
        Assert.Equal(2, emit.Length);
        Assert.Contains(IncrementalStepRunReason.New, emit);
        Assert.Contains(emit, r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void ModelsAreValueEquatableAndHoldNoSymbols()
    {
        var first = GeneratorHarness.Generate(Kernel).Result.TrackedSteps[TrackingNames.Parse].Single().Outputs.Single().Value;
        var second = GeneratorHarness.Generate(Kernel).Result.TrackedSteps[TrackingNames.Parse].Single().Outputs.Single().Value;
        Assert.Equal(first, second);
        Assert.NotSame(first, second);

        // Walk the model's object graph: only strings, enums, primitives, records and arrays of them.
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        AssertPlainData(first, seen);
    }

    private static void AssertPlainData(object? value, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        System.Type type = value.GetType();
        Assert.False(value is ISymbol or SyntaxNode or SemanticModel or Compilation or Location or SyntaxTree, $"model holds {type}");
        if (value is System.Collections.IEnumerable items)
        {
            foreach (object? item in items)
            {
                AssertPlainData(item, seen);
            }
        }

        foreach (var field in type.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
        {
            if (field.FieldType == typeof(Microsoft.CodeAnalysis.Text.TextSpan) || field.FieldType == typeof(Microsoft.CodeAnalysis.Text.LinePositionSpan))
            {
                continue;
            }

            AssertPlainData(field.GetValue(value), seen);
        }
    }
}
