using System;
using System.Collections.Generic;
using System.Linq;

namespace CceGen.Generator.Tests;

/// <summary>A generator bug the fuzzer knows about: mutants whose description contains <see cref="Key"/> may fail with these symptoms only.</summary>
/// <param name="Key">A substring of the mutant description (a mutation description or an oracle tag).</param>
/// <param name="Symptoms">Symptom prefixes this bug explains ("exception", "generated:CS0579", "rejected-valid:CCE0010", ...).</param>
/// <param name="Diagnosis">Where the bug is and how to fix it; remove the entry once fixed (the fuzz test then checks those mutants again).</param>
internal sealed record FuzzKnownIssue(string Key, string[] Symptoms, string Diagnosis);

internal static class FuzzKnownIssues
{
    // Line numbers refer to generator/CceGen.Generator at commit 144f349. Each entry: the key (a mutation description or
    // an oracle tag, see FuzzMutations/FuzzOracle), the only symptoms it may excuse, and the diagnosis. When a bug is
    // fixed, delete its entry: the fuzz test then holds those mutants to the full contract again (the test output lists
    // entries that no longer match any failing mutant).
    public static IReadOnlyList<FuzzKnownIssue> All { get; } = new FuzzKnownIssue[]
    {
        // ---- generator exceptions (CS8785: the whole generator output is dropped, every kernel of the project breaks) ----
        new("sibling: kernel whose name differs only in case", new[] { "exception" },
            "Parser.cs:210 BuildHintName: hint names are compared case-insensitively by Roslyn (AdditionalSourcesCollection, " +
            "OrdinalIgnoreCase), so kernels Loss and loss in one type both get Demo.L.Loss.g.cs -> ArgumentException from AddSource. " +
            "Fix: make the name unique case-insensitively, e.g. append the overload index whenever GetMembers() of the type has " +
            "another member whose name equals this one ignoring case (and do the same for type names)."),
        new("sibling: type named X_1 beside generic X<T>", new[] { "exception" },
            "Parser.cs:220 BuildHintName encodes arity as Name + \"_\" + Arity, which collides with a type literally named X_1: " +
            "X<T>.Loss and X_1.Loss both become X_1.Loss.g.cs -> ArgumentException. Fix: use a character that cannot appear in " +
            "an identifier, e.g. the metadata name with a backtick (X`1, allowed in hint names)."),
        new("namespace: comment inside the name", new[] { "exception" },
            "Parser.cs:180 takes the namespace from nsSyntax.Name.ToString(), which keeps inner trivia: 'namespace Demo /*c*/ . Sub;' " +
            "gives the hint name 'Demo /*c*/ . Sub.L.Loss.g.cs' and AddSource throws on '*'. (Spaces and unicode escapes leak too: " +
            "'Demo . Sub.L.Loss.g.cs', 'Dem/u006F...'.) Fix: build the namespace from the symbol, " +
            "method.ContainingNamespace.ToDisplayString() (null for the global namespace), for both the hint name and the emitted code."),

        // ---- documented forms rejected or mis-parsed ----------------------------------------------------------------
        new("out int right after the labels", new[] { "rejected-valid:CCE0010", "wrong-id:CCE0010", "files:", "generated:CS0759" },
            "SignatureParser.cs:152 takes any int after the labels as the label stride without checking RefKind, so the README " +
            "form (predictions, labels, out int correct) (no gradient) is rejected with CCE0010 for Vector labels, and with Column " +
            "labels 'out int correct' becomes an 'int labelStride' in the generated signature (CS0759, the kernel is missing). " +
            "Fix: add '&& ps[i].RefKind == RefKind.None' there (and at :85 for the classCount/rowStride ints)."),
        new("LangVersion CSharp11", new[] { "generated:CS9058" },
            "Emitter.cs:750/757/778: the scalar path indexes CceScalarLanes (an [InlineArray(16)] struct) with lanes[j & 15], " +
            "an inline-array element access that needs C# 12 (CS9058), while Parser.cs:50 accepts C# 11. Every Logits/Keras kernel " +
            "fails to compile at LangVersion 11. Fix: raise the CCE0012 threshold to C# 12 (and README), or give CceScalarLanes " +
            "explicit Get/Set methods (ref this[i] via MemoryMarshal.CreateSpan) and emit those."),

        // ---- declarations that should be rejected but produce a broken file ------------------------------------------
        new("method: the user also wrote the implementing part", new[] { "accepted-invalid", "files:", "generated:CS0757" },
            "Parser.cs:60 only looks at the attributed declaration; when the user also wrote the implementing part " +
            "(method.PartialImplementationPart != null) the generator adds a second one (CS0757 in the generated file). Fix: " +
            "report CCE0002 (the generator writes the body) when PartialImplementationPart is not null."),
        new("method: modifier extern", new[] { "generated:CS0179", "generated:CS0757", "generated:CS0111" },
            "Parser.cs:60: 'static extern partial float Loss(...);' is an implementing declaration (no body because extern), not a " +
            "definition, but passes the partial/no-body check; the copied 'extern' then yields CS0179/CS0757/CS0111 in the " +
            "generated file. Fix: report CCE0002 when method.IsExtern (syntax.Modifiers.Any(SyntaxKind.ExternKeyword))."),
        new("param[0]: modifier this (extension method)", new[] { "accepted-invalid", "files:", "generated:CS0755" },
            "SignatureParser.cs:54 tests p.IsThis, which is the implicit receiver of instance methods, never the extension 'this' " +
            "modifier, so CCE0011 is never reported for it; the emitted part drops 'this' (CS0755: both parts must be extension " +
            "methods). Fix: use '_method.IsExtensionMethod && p.Ordinal == 0'."),
        new("method: modifier async", new[] { "generated:CS1983", "generated:CS1998", "generated:CS1988", "generated:CS4012", "generated:CS9058" },
            "Parser.cs:126 copies every modifier of the declaration into the generated part (Emitter.cs:57), including ones the " +
            "generated body makes invalid: 'async' gives CS1983/CS1998 in the generated file (the user already has CS1994). Fix: " +
            "report a diagnostic (CCE0002) for async/extern/abstract/virtual/override/sealed/readonly, or copy only accessibility, " +
            "static, unsafe and new."),
        new("modifier file", new[] { "accepted-invalid", "files:", "generated:CS0759" },
            "Parser.cs:152 accepts a 'file' containing type; the generated 'partial class L' lives in another file, so it is a " +
            "different type and the kernel has no implementation (CS0759 in the generated file, CS8795 in the user's). Fix: report " +
            "a diagnostic (CCE0004-like: containing types must not be file-local) when a containing type has the 'file' modifier."),

        // ---- the emitted code repeats what it must not ---------------------------------------------------------------
        new("ref struct", new[] { "generated:CS1585", "generated:CS0260" },
            "Parser.cs:203 TypeKeyword returns 'ref struct' and Emitter.cs:49 writes 'partial ref struct S', but 'partial' must come " +
            "right before 'struct' ('ref partial struct S'): CS1585 + CS0260 in the generated file for every kernel in a ref struct. " +
            "Fix: emit the modifiers before 'partial' (Emitter.cs:49: $\"{prefix}partial {keyword} {name}\" with prefix 'ref ')."),
        new("type parameter with an attribute", new[] { "generated:CS0579" },
            "Parser.cs:160 copies TypeParameterList.ToString() verbatim, attributes included, so 'partial class L<[Marker] T>' " +
            "applies [Marker] twice (CS0579 duplicate attribute in the generated file). Fix: emit only the names (and variance): " +
            "string.Join(\", \", type.TypeParameterList.Parameters.Select(p => p.VarianceKeyword + p.Identifier.Text))."),
        new("method: attribute System.CodeDom.Compiler.GeneratedCode", new[] { "generated:CS0579" },
            "Emitter.cs:53 adds [GeneratedCode] to the implementing part; attributes of the two parts of a partial method merge, " +
            "so a user [GeneratedCode] on the definition becomes a duplicate (CS0579 in the generated file). Minor. Fix: skip the " +
            "attribute when the definition already has it (record it in KernelSpec), or leave it off the user part."),
        new("GenerateDocumentationFile", new[] { "generated:CS1570" },
            "Emitter.cs:52 and :89 write Describe(spec) into XML doc comments unescaped; a generic containing type puts '<T>' " +
            "into <remarks>/<summary>, which is malformed XML (CS1570 warnings in the generated file) in every project with " +
            "<GenerateDocumentationFile>. Fix: XML-escape Describe(spec) in the /// lines (< > &), or write the type with {T}."),
        new("no accessibility on a non-void/out partial method", new[] { "generated:CS8796" },
            "A kernel with no accessibility that returns float or has 'out int correct' is already CS8796 in the user's code; the " +
            "generator copies the modifiers and the generated file reports CS8796 again. Minor. Fix: report CCE0002-like " +
            "'a kernel that returns a value or has out parameters needs an accessibility modifier' and emit nothing."),
        new("name kernels", new[] { "generated:CS8981" },
            "An all-lowercase type name is warning CS8981 (warning wave 7) in the user's code, and the generated 'partial class " +
            "kernels' repeats it in the generated file, where the user cannot suppress it with a #pragma in their own file. " +
            "Minor. Fix: emit '#pragma warning disable CS8981' around the containing-type declarations in the generated file."),
    };

    /// <summary>The entries that together explain every symptom of a failing mutant, or null when some symptom is unexplained.</summary>
    public static IReadOnlyList<FuzzKnownIssue>? Explain(string description, IReadOnlyList<string> symptoms)
    {
        List<FuzzKnownIssue> matching = All.Where(k => description.Contains(k.Key, StringComparison.Ordinal)).ToList();
        var used = new List<FuzzKnownIssue>();
        foreach (string symptom in symptoms)
        {
            FuzzKnownIssue? issue = matching.FirstOrDefault(k => k.Symptoms.Any(s => symptom.StartsWith(s, StringComparison.Ordinal)));
            if (issue is null)
            {
                return null;
            }

            if (!used.Contains(issue))
            {
                used.Add(issue);
            }
        }

        return used;
    }
}
