using System;
using System.Collections.Generic;
using System.Collections.Concurrent;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CceGen.Generator.Tests;

/// <summary>The outcome of one mutant: its category, and the symptoms that make it a failure (empty when it passed).</summary>
internal sealed record FuzzOutcome(FuzzDecl Mutant, string Source, string Category, IReadOnlyList<string> Symptoms, string Details);

/// <summary>Builds the mutants (deterministically) and judges one mutant against the generator.</summary>
internal static class FuzzEngine
{
    /// <summary>What an SDK build with &lt;AllowUnsafeBlocks&gt; and the latest warning wave sees.</summary>
    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: true,
        warningLevel: 9999);

    /// <summary>
    /// The unmutated seeds first, then mutants with 1-3 mutations each, deduplicated by source text (a mutation that only
    /// changes options, such as the language version, counts only when combined with one that changes the text).
    /// </summary>
    private static readonly LanguageVersion[] LanguageVersions =
    {
        LanguageVersion.CSharp10, LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.CSharp13, LanguageVersion.Latest, LanguageVersion.Preview,
    };

    public static List<FuzzDecl> Mutants(int count, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<FuzzDecl>();
        foreach (FuzzDecl s in FuzzSeeds.All)
        {
            if (seen.Add(s.Render()))
            {
                result.Add(s.Clone());
            }
        }

        IReadOnlyList<FuzzMutation> operators = FuzzMutations.All;
        for (int attempt = 0; result.Count < count && attempt < count * 50; attempt++)
        {
            FuzzDecl d = FuzzSeeds.All[random.Next(FuzzSeeds.All.Count)].Clone();
            int wanted = 1 + random.Next(3);
            for (int tries = 0; d.Mutations.Count < wanted && tries < 30; tries++)
            {
                FuzzMutation op = operators[random.Next(operators.Count)];
                string? description = op.Apply(d, random);
                if (description is not null)
                {
                    d.Mutations.Add(description);
                    d.Operators.Add(op.Name);
                }
            }

            // Options ride along with the text mutations: a language version and GenerateDocumentationFile.
            if (random.Next(5) == 0)
            {
                LanguageVersion v = LanguageVersions[random.Next(LanguageVersions.Length)];
                if (v != d.Language)
                {
                    d.Language = v;
                    d.Mutations.Add($"LangVersion {v}");
                }
            }

            if (random.Next(8) == 0 && !d.Documentation)
            {
                d.Documentation = true;
                d.Mutations.Add("GenerateDocumentationFile (DocumentationMode.Diagnose)");
            }

            if (seen.Add(d.Render()))
            {
                result.Add(d);
            }
        }

        return result;
    }

    public static FuzzOutcome Evaluate(FuzzDecl mutant, bool crossCheck)
    {
        string source = mutant.Render();
        FuzzVerdict verdict = FuzzOracle.Judge(mutant);
        var parseOptions = new CSharpParseOptions(mutant.Language, mutant.Documentation ? DocumentationMode.Diagnose : DocumentationMode.Parse);
        GeneratorHarness.Run run = GeneratorHarness.Generate(parseOptions, CompilationOptions, source);
        var symptoms = new List<string>();
        var details = new List<string>();

        // 1. The generator never throws and never hits its internal-error net.
        if (run.Result.Exception is not null)
        {
            symptoms.Add("exception");
            details.Add("exception: " + run.Result.Exception.GetType().Name + ": " + run.Result.Exception.Message);
        }

        // CCE0017 (a parameter named for another role) is a warning and the kernel is still generated: not a rejection.
        List<Diagnostic> cce = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("CCE", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error).ToList();
        if (cce.Any(d => d.Id == "CCE0013"))
        {
            symptoms.Add("CCE0013");
            details.Add("CCE0013: " + cce.First(d => d.Id == "CCE0013").GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }

        // 2. Generated files: no errors and no warnings, ever. User files: nothing that was not there without generation.
        //    The baseline is the same compilation with the generated trees removed (so, the user's code alone); the only
        //    diagnostic generation is meant to remove is CS8795 (a partial method without its implementing part).
        var generated = run.Output.SyntaxTrees.Where(IsGenerated).ToList();
        Found after = generated.Count == 0 ? Exact(run.Output) : Split(run.Output, parseOptions) ?? Exact(run.Output);
        if (crossCheck && generated.Count > 0)
        {
            // The split evaluation (below) must agree with compiling the real output; a sample of mutants checks that.
            Found exact = Exact(run.Output);
            if (!exact.Generated.Select(d => d.Id).ToHashSet().SetEquals(after.Generated.Select(d => d.Id)) ||
                !exact.User.Select(Key).ToHashSet().SetEquals(after.User.Select(Key)))
            {
                symptoms.Add("evaluation-mismatch");
                details.Add("split evaluation disagrees with the full output compilation: exact [" + string.Join(", ", exact.Generated.Concat(exact.User).Select(d => d.Id)) +
                            "] vs split [" + string.Join(", ", after.Generated.Concat(after.User).Select(d => d.Id)) + "]");
            }
        }

        List<Diagnostic> baseline = generated.Count == 0
            ? after.User
            : run.Output.RemoveSyntaxTrees(generated).GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

        foreach (Diagnostic d in after.Generated)
        {
            symptoms.Add("generated:" + d.Id);
            details.Add("in generated file: " + d);
        }

        var remaining = baseline.GroupBy(Key).ToDictionary(g => g.Key, g => g.Count());
        foreach (Diagnostic d in after.User)
        {
            string key = Key(d);
            if (remaining.TryGetValue(key, out int n) && n > 0)
            {
                remaining[key] = n - 1;
            }
            else
            {
                symptoms.Add("introduced:" + d.Id);
                details.Add("introduced in user code: " + d);
            }
        }

        // 3. The oracle: when the user's C# compiles on its own, the generator must accept exactly the documented forms.
        List<Diagnostic> userErrors = baseline.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").ToList();
        bool compiles = userErrors.Count == 0;
        string[] reported = cce.Select(d => d.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal).ToArray();
        if (compiles)
        {
            if (verdict.Valid && reported.Length > 0)
            {
                symptoms.Add("rejected-valid:" + string.Join(",", reported));
                details.AddRange(cce.Select(d => "rejected a documented form: " + d));
            }
            else if (!verdict.Valid && !verdict.Ambiguous && reported.Length == 0)
            {
                symptoms.Add("accepted-invalid");
                details.Add($"no CCE diagnostic, expected one of {string.Join(",", verdict.Expected)}");
            }
            else if (!verdict.Valid && reported.Length > 0 && !verdict.Accepts(reported))
            {
                symptoms.Add("wrong-id:" + string.Join(",", reported));
                details.Add($"reported {string.Join(",", reported)}, expected one of {string.Join(",", verdict.Expected)}");
            }

            int files = run.Result.GeneratedSources.Length;
            if (run.Result.Exception is null && (files < verdict.MinFiles || files > verdict.MaxFiles))
            {
                symptoms.Add($"files:{files}/{verdict.MinFiles}..{verdict.MaxFiles}");
                details.Add($"{files} generated files, expected {verdict.MinFiles}..{verdict.MaxFiles}");
            }
        }

        string category = symptoms.Count > 0 ? "failed"
            : reported.Length > 0 ? (compiles ? "(a) rejected with a CCE diagnostic (user C# otherwise compiles)" : "(a) rejected with a CCE diagnostic (user C# has its own errors)")
            : run.Result.GeneratedSources.Length > 0 ? (compiles ? "(b) generated; user code + generated code compile with 0 errors/warnings introduced" : "(b) generated; user code has its own C# errors, none introduced")
            : compiles ? "(b) nothing to generate, user C# compiles (decoys only)" : "(b) nothing generated; user C# has its own errors";
        if (verdict.Tags.Count > 0)
        {
            mutant.Mutations.Add("tags: " + string.Join("; ", verdict.Tags));
        }

        details.AddRange(userErrors.Take(3).Select(d => "user error (baseline): " + d));
        return new FuzzOutcome(mutant, source, category, symptoms, string.Join("\n", details));
    }

    /// <summary>Errors and warnings after generation, split into those located in generated files and the rest.</summary>
    private sealed record Found(List<Diagnostic> Generated, List<Diagnostic> User);

    private static bool IsGenerated(SyntaxTree tree) => !tree.FilePath.StartsWith("Source", StringComparison.Ordinal);

    /// <summary>The plain way: every diagnostic of the output compilation (user code + generated code).</summary>
    private static Found Exact(Compilation output)
    {
        List<Diagnostic> all = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        return new Found(
            all.Where(d => d.Location.SourceTree is { } t && IsGenerated(t)).ToList(),
            all.Where(d => d.Location.SourceTree is not { } t || !IsGenerated(t)).ToList());
    }

    /// <summary>Helper-class diagnostics by normalized helper text + parse options (see <see cref="Split"/>).</summary>
    private static readonly ConcurrentDictionary<string, Lazy<List<Diagnostic>>> HelperDiagnostics = new(StringComparer.Ordinal);

    private const string HelperNamespace = "\nnamespace CceGen.Generated\n";

    /// <summary>
    /// The same answer as <see cref="Exact"/> for a fraction of the cost (binding the vector paths of a kernel is ~100 ms).
    /// A generated file is the user's partial method (in the user's types: depends on the user's code) followed by the
    /// helper, a <c>file static class</c> in namespace CceGen.Generated that names only its own usings' types (System,
    /// System.Runtime.*, CceGen.Runtime), which take precedence over anything a mutant declares elsewhere. So the helper is
    /// compiled once per distinct text (ignoring comments, string literal contents and its own name, none of which can
    /// raise a diagnostic; doc comments are kept in DocumentationMode.Diagnose), and the user part is compiled in the
    /// mutant's compilation with a stub helper that keeps Run's signature. Returns null (caller falls back to Exact) when
    /// the generated text does not have the expected shape. A sample of mutants is cross-checked against Exact.
    /// </summary>
    private static Found? Split(Compilation output, CSharpParseOptions parseOptions)
    {
        var userTrees = output.SyntaxTrees.Where(t => !IsGenerated(t)).ToList();
        var contextTrees = new List<SyntaxTree>(userTrees);
        var generatedDiagnostics = new List<Diagnostic>();
        foreach (SyntaxTree tree in output.SyntaxTrees.Where(IsGenerated))
        {
            string text = tree.GetText().ToString();
            int helperStart = text.IndexOf(HelperNamespace, StringComparison.Ordinal);
            if (helperStart < 0)
            {
                return null;
            }

            string userPart = text.Substring(0, helperStart + 1);
            string helper = text.Substring(helperStart + 1);
            Match name = Regex.Match(helper, @"\bfile static class (\w+)");
            Match run = Regex.Match(helper, @"^ *(public static [^\n]*\bRun\([^\n]*\))\n", RegexOptions.Multiline);
            if (!name.Success || !run.Success)
            {
                return null;
            }

            // Header lines (// <auto-generated/>, #nullable enable) apply to the helper too.
            string header = string.Concat(userPart.Split('\n').TakeWhile(l => l.StartsWith("//", StringComparison.Ordinal) || l.StartsWith('#')).Select(l => l + "\n"));
            string normalized = header + helper;
            // Comments go (the <auto-generated/> marker stays: it changes how the compiler treats the file); doc comments
            // are trivia unless DocumentationMode.Diagnose.
            normalized = Regex.Replace(normalized, @"^ *//(?!/)(?! <auto-generated)[^\n]*\n", string.Empty, RegexOptions.Multiline);
            if (parseOptions.DocumentationMode != DocumentationMode.Diagnose)
            {
                normalized = Regex.Replace(normalized, @"^ *///[^\n]*\n", string.Empty, RegexOptions.Multiline);
            }

            normalized = Regex.Replace(normalized, "\"[^\"\n]*\"", "\"\"");
            normalized = Regex.Replace(normalized, @"\b" + Regex.Escape(name.Groups[1].Value) + @"\b", "__Cce_Helper");
            string key = parseOptions.LanguageVersion.MapSpecifiedToEffectiveVersion() + "|" + parseOptions.DocumentationMode + "|" + normalized;
            generatedDiagnostics.AddRange(HelperDiagnostics.GetOrAdd(key, _ => new Lazy<List<Diagnostic>>(() =>
            {
                CSharpCompilation alone = GeneratorHarness.Empty((CSharpCompilationOptions)output.Options)
                    .AddSyntaxTrees(CSharpSyntaxTree.ParseText(normalized, parseOptions, path: "Helper.g.cs"));
                return alone.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            })).Value);

            string stub = "namespace CceGen.Generated\n{\n    using System;\n    file static class " + name.Groups[1].Value + "\n    {\n        " +
                          run.Groups[1].Value + " => throw null!;\n    }\n}\n";
            contextTrees.Add(CSharpSyntaxTree.ParseText(userPart + stub, parseOptions, path: tree.FilePath));
        }

        CSharpCompilation context = GeneratorHarness.Empty((CSharpCompilationOptions)output.Options).AddSyntaxTrees(contextTrees);
        Found split = Exact(context);
        split.Generated.AddRange(generatedDiagnostics);
        return split;
    }

    private static string Key(Diagnostic d) =>
        d.Id + "@" + (d.Location.SourceTree?.FilePath ?? "-") + ":" + d.Location.SourceSpan.Start + "-" + d.Location.SourceSpan.End;
}
