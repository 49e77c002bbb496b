using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using CceGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CceGen.Generator.Tests;

/// <summary>Runs the generator in-process on source text, the way the compiler does.</summary>
internal static class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> s_references =
        Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(CceGen.SparseCceKernelAttribute).Assembly.Location))
            .ToImmutableArray();

    public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.Latest) =>
        new(version);

    public static CSharpCompilation Compilation(IEnumerable<string> sources, LanguageVersion version = LanguageVersion.Latest)
    {
        CSharpParseOptions options = ParseOptions(version);
        return CSharpCompilation.Create(
            "Tests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, options, path: $"Source{i}.cs")),
            s_references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static GeneratorDriver Driver(CSharpCompilation compilation) =>
        CSharpGeneratorDriver.Create(
            new[] { new SparseCceGenerator().AsSourceGenerator() },
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; returns its result and the compilation with the generated files added.</summary>
    public static Run Generate(params string[] sources) => Generate(LanguageVersion.Latest, sources);

    public static Run Generate(LanguageVersion version, params string[] sources)
    {
        CSharpCompilation compilation = Compilation(sources, version);
        GeneratorDriver driver = Driver(compilation).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return new Run(driver.GetRunResult().Results[0], output);
    }

    /// <summary>The reference assemblies every harness compilation uses (.NET 10 reference pack + CceGen.Runtime), parsed once.</summary>
    public static ImmutableArray<MetadataReference> References => s_references;

    /// <summary>Runs the generator once with explicit parse and compilation options (fuzzing: language version,
    /// documentation mode, warning level, unsafe code); every source gets <paramref name="parseOptions"/>.</summary>
    public static Run Generate(CSharpParseOptions parseOptions, CSharpCompilationOptions compilationOptions, params string[] sources)
    {
        CSharpCompilation compilation = Empty(compilationOptions)
            .AddSyntaxTrees(sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, path: $"Source{i}.cs")));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new SparseCceGenerator().AsSourceGenerator() }, parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return new Run(driver.GetRunResult().Results[0], output);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<CSharpCompilationOptions, CSharpCompilation> s_empty = new();

    /// <summary>
    /// A compilation with the references and no source, one per options. Compilations derived from it with
    /// AddSyntaxTrees share its bound reference assemblies, which makes thousands of small compilations cheap (fuzzing).
    /// </summary>
    public static CSharpCompilation Empty(CSharpCompilationOptions options) =>
        s_empty.GetOrAdd(options, o => CSharpCompilation.Create("Tests", references: s_references, options: o));

    internal sealed record Run(GeneratorRunResult Result, Compilation Output)
    {
        public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

        public string Source(string hintName) =>
            Result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

        /// <summary>Errors and warnings of the whole compilation after generation (the user's code + ours).</summary>
        public IEnumerable<Diagnostic> OutputProblems =>
            Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning);
    }
}
