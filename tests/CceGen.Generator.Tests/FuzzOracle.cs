using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;

namespace CceGen.Generator.Tests;

/// <summary>What the README grammar says about a fuzzed declaration, decided without the generator.</summary>
/// <param name="Valid">The kernel is one of the documented declaration forms (assuming the C# itself compiles): it must generate.</param>
/// <param name="Ambiguous">Either outcome is right: rejected with one of <paramref name="Expected"/>, or generated cleanly.</param>
/// <param name="Expected">When rejected: the CCE IDs of which the generator must report at least one ("*": any CCE ID).</param>
/// <param name="MinFiles">Fewest generated files acceptable when the C# compiles (valid kernel + certain siblings).</param>
/// <param name="MaxFiles">Most generated files acceptable.</param>
/// <param name="Tags">Structural facts appended to the mutant description (known issues are keyed on them).</param>
internal sealed record FuzzVerdict(bool Valid, bool Ambiguous, IReadOnlyCollection<string> Expected, int MinFiles, int MaxFiles, IReadOnlyList<string> Tags)
{
    public bool Accepts(IEnumerable<string> reported) => Expected.Contains("*") || reported.Intersect(Expected).Any();
}

/// <summary>
/// An independent reading of the README: "Declaration forms" (attribute options and the parameter table) and the
/// diagnostics table. It looks only at the structured model, never at the generator's parser.
/// </summary>
internal static class FuzzOracle
{
    /// <summary>Parameter-list problems: the generator may name any of these depending on where it first trips.</summary>
    private static readonly string[] SignatureIds = { "CCE0005", "CCE0006", "CCE0007", "CCE0010", "CCE0011" };

    private static readonly HashSet<string> AccessTokens = new() { "public", "internal", "private", "protected" };

    public static FuzzVerdict Judge(FuzzDecl d)
    {
        var expected = new HashSet<string>();
        var either = new HashSet<string>();
        var tags = new List<string>();
        FuzzKernel k = d.Kernel;

        // Shape of the declaration (README: "static partial without a body, non-generic, in partial types, C# 11").
        bool languageOk = d.Language is not (LanguageVersion.CSharp1 or LanguageVersion.CSharp2 or LanguageVersion.CSharp3
            or LanguageVersion.CSharp4 or LanguageVersion.CSharp5 or LanguageVersion.CSharp6 or LanguageVersion.CSharp7
            or LanguageVersion.CSharp7_1 or LanguageVersion.CSharp7_2 or LanguageVersion.CSharp7_3 or LanguageVersion.CSharp8
            or LanguageVersion.CSharp9 or LanguageVersion.CSharp10);
        if (!languageOk)
        {
            expected.Add("CCE0012");
        }
        else if (d.Language == LanguageVersion.CSharp11)
        {
            // README: "C# 11 or later". The emitted scalar path needs C# 12 today (FuzzKnownIssues): a fix may either make
            // C# 11 output compile or move the CCE0012 threshold to C# 12; both are right.
            either.Add("CCE0012");
        }

        if (!k.Modifiers.Contains("static"))
        {
            expected.Add("CCE0001");
        }

        // The definition part: 'partial', no body and not extern (an extern partial method is an implementing part).
        if (!k.Modifiers.Contains("partial") || k.Body != ";" || k.Modifiers.Contains("extern") || k.AttributeOnImplementation)
        {
            expected.Add("CCE0002");
        }

        // The user wrote the body as well: the generator must not add a second one; a diagnostic or silence are both fine.
        if (k.UserImplementation)
        {
            either.Add("*");
        }

        if (k.TypeParameters.Length > 0)
        {
            expected.Add("CCE0003");
        }

        bool containersOk = d.Containers.All(c => c.Partial);
        if (!containersOk)
        {
            expected.Add("CCE0004");
        }

        // A file-local containing type cannot get a part in another file: no kernel can be generated (any CCE ID will do).
        bool fileLocal = d.Containers.Any(c => c.Modifiers.Contains("file"));
        if (fileLocal)
        {
            expected.Add("*");
        }

        // Attribute options.
        int? input = k.Input.Value, reduction = k.Reduction.Value;
        int? labels = k.Named.Any(n => n.Key == "Labels") ? k.NamedValue("Labels")!.Value : 0;
        int? classCount = k.Named.Any(n => n.Key == "ClassCount") ? k.NamedValue("ClassCount")!.Value : 0;
        int? rowStride = k.Named.Any(n => n.Key == "RowStride") ? k.NamedValue("RowStride")!.Value : 0;
        bool attributeCompiles = input is not null && reduction is not null && labels is not null && classCount is not null && rowStride is not null &&
                                 k.Named.Select(n => n.Key).Distinct().Count() == k.Named.Count && !k.AttributeTwice;
        bool optionsOk = true;
        if (attributeCompiles)
        {
            if (input is < 0 or > 2 || reduction is < 0 or > 2 || labels is < 0 or > 1 || classCount < 0 || rowStride < 0)
            {
                expected.Add("CCE0009");
                optionsOk = false;
            }
            else if (classCount > 0 && rowStride > 0 && rowStride < classCount)
            {
                expected.Add("CCE0010");
                optionsOk = false;
            }
        }

        // Parameter list and return type, against the README's table.
        bool signatureOk = true;
        if (attributeCompiles && optionsOk)
        {
            signatureOk = Signature(d, reduction!.Value, labels!.Value == 1, classCount!.Value, rowStride!.Value, tags);
            if (!signatureOk)
            {
                expected.UnionWith(SignatureIds);
            }

            string returnType = Normalize(d, k.ReturnType);
            if (reduction == 2 ? returnType != "void" : returnType != "float")
            {
                expected.Add("CCE0008");
            }
        }

        bool hasAccess = k.Modifiers.Any(AccessTokens.Contains);
        bool needsAccess = Normalize(d, k.ReturnType) != "void" || k.Params.Any(p => p.Modifier.Contains("out"));
        if (!hasAccess && needsAccess)
        {
            tags.Add("no accessibility on a non-void/out partial method");
        }

        bool mustReject = expected.Count > 0 || !attributeCompiles;
        bool ambiguous = !mustReject && either.Count > 0;
        bool valid = !mustReject && !ambiguous;

        // Siblings share the file, its containing types and the language version (not the kernel's own defects).
        bool siblingsCertain = languageOk && containersOk && !fileLocal && d.Language != LanguageVersion.CSharp11;
        bool siblingsPossible = languageOk && containersOk && !fileLocal;
        int min = (valid ? 1 : 0) + (siblingsCertain ? d.SiblingKernels : 0);
        int max = (valid || ambiguous ? 1 : 0) + (siblingsPossible ? d.SiblingKernels : 0);
        return new FuzzVerdict(valid, ambiguous, mustReject ? expected : either, min, max, tags);
    }

    /// <summary>
    /// (predictions, [classCount], [rowStride], labels, [labelStride], [losses], [gradient], [upstream], [out int correct]).
    /// </summary>
    private static bool Signature(FuzzDecl d, int reduction, bool column, int classCount, int rowStride, List<string> tags)
    {
        var ps = d.Kernel.Params.Select(p => (Type: Normalize(d, p.Spelling ?? p.Type), p.Modifier)).ToList();
        bool ok = true;

        // Modifiers: only a trailing 'out int' (the accuracy count) is by reference.
        for (int n = 0; n < ps.Count; n++)
        {
            bool correct = n == ps.Count - 1 && ps[n].Type == "int" && ps[n].Modifier is "out" or "scoped out";
            if (ps[n].Modifier.Length > 0 && !correct)
            {
                ok = false;
            }
        }

        bool Plain(int n, string type) => n < ps.Count && ps[n].Modifier.Length == 0 && ps[n].Type == type;
        bool PlainInt(int n) => Plain(n, "int");

        int i = 0;
        if (!(Plain(i, "ReadOnlySpan<float>") || Plain(i, "ReadOnlySpan<Half>")))
        {
            return false;
        }

        i++;
        int ints = 0;
        while (PlainInt(i + ints))
        {
            ints++;
        }

        int required = classCount == 0 ? 1 : 0;
        if (ints < required || ints > required + 1 || (ints == required + 1 && rowStride > 0))
        {
            ok = false;
        }

        i += ints;
        if (!(Plain(i, "ReadOnlySpan<int>") || Plain(i, "ReadOnlySpan<long>")))
        {
            return false;
        }

        i++;
        if (i < ps.Count && ps[i].Type == "int" && ps[i].Modifier is "out" or "scoped out")
        {
            tags.Add("out int right after the labels");
        }

        if (PlainInt(i))
        {
            ok &= column;
            i++;
        }

        if (reduction == 2)
        {
            if (!Plain(i, "Span<float>"))
            {
                return false;
            }

            i++;
        }

        bool gradient = false;
        if (Plain(i, "Span<float>") || Plain(i, "Span<Half>"))
        {
            gradient = true;
            i++;
        }

        if (Plain(i, "ReadOnlySpan<float>"))
        {
            ok &= reduction == 2 && gradient;
            i++;
        }

        if (i == ps.Count - 1 && ps[i].Type == "int" && ps[i].Modifier is "out" or "scoped out")
        {
            i++;
        }

        return ok && i == ps.Count;
    }

    /// <summary>Canonical form of a type as the compiler would bind it in this file ("UserHalf" when shadowed).</summary>
    public static string Normalize(FuzzDecl d, string spelled)
    {
        if (d.Aliases.TryGetValue(spelled, out string? aliased))
        {
            return aliased;
        }

        string s = spelled.Replace(" ", string.Empty);
        if (d.ShadowHalf)
        {
            s = ReplaceUnqualified(s, "Half", "UserHalf");
        }

        if (d.ShadowReadOnlySpan)
        {
            s = ReplaceUnqualified(s, "ReadOnlySpan", "UserReadOnlySpan");
        }

        s = s.Replace("global::", string.Empty).Replace("System.", string.Empty);
        foreach ((string from, string to) in new[] { ("Single", "float"), ("Int32", "int"), ("Int64", "long"), ("Double", "double"), ("Int16", "short"), ("Byte", "byte") })
        {
            s = ReplaceWord(s, from, to);
        }

        return s;
    }

    private static string ReplaceUnqualified(string s, string name, string replacement)
    {
        var result = new System.Text.StringBuilder();
        for (int i = 0; i < s.Length;)
        {
            bool boundaryBefore = i == 0 || !(char.IsLetterOrDigit(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '_' || s[i - 1] == ':');
            if (boundaryBefore && string.CompareOrdinal(s, i, name, 0, name.Length) == 0 &&
                (i + name.Length == s.Length || !(char.IsLetterOrDigit(s[i + name.Length]) || s[i + name.Length] == '_')))
            {
                result.Append(replacement);
                i += name.Length;
            }
            else
            {
                result.Append(s[i]);
                i++;
            }
        }

        return result.ToString();
    }

    private static string ReplaceWord(string s, string word, string replacement)
    {
        var result = new System.Text.StringBuilder();
        for (int i = 0; i < s.Length;)
        {
            bool boundaryBefore = i == 0 || !(char.IsLetterOrDigit(s[i - 1]) || s[i - 1] == '_');
            if (boundaryBefore && string.CompareOrdinal(s, i, word, 0, word.Length) == 0 &&
                (i + word.Length == s.Length || !(char.IsLetterOrDigit(s[i + word.Length]) || s[i + word.Length] == '_')))
            {
                result.Append(replacement);
                i += word.Length;
            }
            else
            {
                result.Append(s[i]);
                i++;
            }
        }

        return result.ToString();
    }
}
