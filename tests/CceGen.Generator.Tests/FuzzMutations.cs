using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;

namespace CceGen.Generator.Tests;

/// <summary>One mutation operator: edits the model in place and returns a description, or null when it does not apply.</summary>
internal sealed record FuzzMutation(string Name, Func<FuzzDecl, Random, string?> Apply);

/// <summary>The mutation operators. Descriptions are deterministic and specific (known issues are keyed on them).</summary>
internal static class FuzzMutations
{
    private static readonly string[] SpanElementSwaps = { "double", "short", "byte", "float", "Half", "int", "long" };

    private static readonly string[] ScalarSwaps = { "int", "long", "float", "double", "short", "uint", "nint" };

    private static readonly string[] ParamModifiers = { "ref", "in", "out", "params", "scoped", "this", "ref readonly", "scoped ref" };

    /// <summary>C# keywords (escaped) and names that clash with the generated helper's parameters and locals.</summary>
    private static readonly string[] ParamNames =
    {
        "@class", "@int", "@out", "@params", "@this", "@ref", "@return", "@event", "@default", "@fixed", "@__arglist",
        "batch", "row", "total", "x", "g", "label", "j", "k", "p", "d", "predictions", "labels", "losses", "correct", "scale",
        "gradient", "upstream", "classCount", "rowStride", "labelStride", "count", "rest", "rowMax", "rowSum", "rowScale", "vmax",
        "C", "RowStride", "global", "value", "var", "nameof", "_", "Run", "__Cce_Loss", "Loss", "Losses", "\u03bb", "\\u0078\\u0032", "ñandú",
    };

    private static readonly string[] MethodNames =
    {
        "Loss", "@class", "@event", "Run", "__Cce_Loss", "global", "var", "nameof", "Lo\\u0073s", "\u0141oss", "Sum", "Mean", "Equals", "ToString", "loss",
    };

    private static readonly string[] ContainerKinds = { "class", "struct", "record", "record struct", "record class", "interface", "ref struct", "readonly struct", "readonly record struct" };

    private static readonly string[] Accessibilities = { "public", "internal", "private", "protected internal", "private protected", "protected", "" };

    public static IReadOnlyList<FuzzMutation> All { get; } = new FuzzMutation[]
    {
        // ---- declaration shape --------------------------------------------------------------------------------------
        new("method drop partial", (d, r) => Remove(d.Kernel.Modifiers, "partial") ? "method: drop partial" : null),
        new("method drop static", (d, r) => Remove(d.Kernel.Modifiers, "static") ? "method: drop static" : null),
        new("container drop partial", (d, r) =>
        {
            int i = r.Next(d.Containers.Count);
            if (!d.Containers[i].Partial)
            {
                return null;
            }

            d.Containers[i].Partial = false;
            return $"container[{i}]: drop partial";
        }),
        new("container static", (d, r) =>
        {
            int i = r.Next(d.Containers.Count);
            FuzzContainer c = d.Containers[i];
            if (c.Modifiers.Remove("static"))
            {
                return $"container[{i}]: drop static";
            }

            if (c.Kind != "class")
            {
                return null;
            }

            c.Modifiers.Insert(0, "static");
            return $"container[{i}]: add static";
        }),
        new("method generics", (d, r) =>
        {
            if (d.Kernel.TypeParameters.Length > 0)
            {
                return null;
            }

            (string tp, string constraints) = Pick(r, new[] { ("<T>", ""), ("<T, U>", ""), ("<T>", "where T : struct"), ("<TElement>", "where TElement : unmanaged") });
            d.Kernel.TypeParameters = tp;
            d.Kernel.Constraints = constraints;
            return $"method: type parameters {tp} {constraints}".TrimEnd();
        }),
        new("container generics", (d, r) =>
        {
            int i = r.Next(d.Containers.Count);
            FuzzContainer c = d.Containers[i];
            if (c.IsGeneric)
            {
                return null;
            }

            (string tp, string constraints) = Pick(r, new[]
            {
                ("<T>", ""), ("<T>", "where T : struct"), ("<TKey, TValue>", "where TKey : notnull"), ("<T>", "where T : unmanaged"),
                ("<in T>", ""), ("<out T>", ""), ("<[Marker] T>", ""),
            });
            if (tp.Contains("in ", StringComparison.Ordinal) || tp.Contains("out ", StringComparison.Ordinal))
            {
                // Variance is legal on interfaces only (on a class it is the user's own CS1960).
                c.Kind = "interface";
                c.Modifiers.Remove("static");
                c.Modifiers.Remove("sealed");
                c.Modifiers.Remove("abstract");
            }

            c.TypeParameters = tp;
            c.Constraints = constraints;
            if (tp.Contains("[Marker]", StringComparison.Ordinal))
            {
                AddOnce(d.NamespaceMembers, "[AttributeUsage(AttributeTargets.GenericParameter)] internal sealed class MarkerAttribute : Attribute { }");
                return $"container[{i}]: type parameter with an attribute {tp}";
            }

            return $"container[{i}]: type parameters {tp} {constraints}".TrimEnd();
        }),
        new("nest", (d, r) =>
        {
            int n = 1 + r.Next(3);
            var added = new List<string>();
            for (int j = 0; j < n; j++)
            {
                string kind = Pick(r, new[] { "class", "struct", "record", "record struct", "interface", "class", "static class", "ref struct" });
                var c = new FuzzContainer("Outer" + (d.Containers.Count + 1).ToString(CultureInfo.InvariantCulture), kind == "static class" ? "class" : kind, Pick(r, new[] { "public", "internal", "" }));
                if (kind == "static class")
                {
                    c.Modifiers.Add("static");
                }

                d.Containers.Insert(0, c);
                added.Add(kind);
            }

            // Nested types are usually private or public; give the old outermost one an accessibility that is legal when nested.
            return $"nest: wrap in {n} containing type(s) ({string.Join(", ", added)})";
        }),
        new("container kind", (d, r) =>
        {
            int i = r.Next(d.Containers.Count);
            FuzzContainer c = d.Containers[i];
            string kind = Pick(r, ContainerKinds);
            if (kind == c.Kind)
            {
                return null;
            }

            c.Kind = kind;
            c.Modifiers.Remove("static");
            c.Modifiers.Remove("sealed");
            c.Modifiers.Remove("abstract");
            return $"container[{i}]: kind {kind}";
        }),
        new("container modifier", (d, r) =>
        {
            int i = r.Next(d.Containers.Count);
            FuzzContainer c = d.Containers[i];
            string modifier = Pick(r, new[] { "unsafe", "sealed", "abstract", "file", "new" });
            if (c.Modifiers.Contains(modifier))
            {
                return null;
            }

            c.Modifiers.Add(modifier);
            if (modifier == "file")
            {
                c.Access = string.Empty;
            }

            return $"container[{i}]: modifier {modifier}";
        }),
        new("container accessibility", (d, r) =>
        {
            int i = r.Next(d.Containers.Count);
            string access = Pick(r, Accessibilities);
            if (d.Containers[i].Access == access)
            {
                return null;
            }

            d.Containers[i].Access = access;
            return $"container[{i}]: accessibility '{access}'";
        }),
        new("container name", (d, r) =>
        {
            int i = r.Next(d.Containers.Count);
            string name = Pick(r, new[] { "L", "@class", "kernels", "Lo\\u0073ses", "\u00c9tape", "Losses2" });
            if (d.Containers.Any(c => c.Name == name))
            {
                return null;
            }

            d.Containers[i].Name = name;
            return $"container[{i}]: name {name}";
        }),
        new("container primary constructor", (d, r) =>
        {
            FuzzContainer c = d.Containers[r.Next(d.Containers.Count)];
            if (c.PrimaryConstructor.Length > 0 || c.Kind is "interface")
            {
                return null;
            }

            c.PrimaryConstructor = "(int Seed)";
            return $"container[{d.Containers.IndexOf(c)}]: primary constructor";
        }),

        // ---- namespace and file -------------------------------------------------------------------------------------
        new("namespace style", (d, r) =>
        {
            string style = Pick(r, new[] { "file", "block", "nested", "global" });
            if (style == d.NamespaceStyle || (style == "nested" && !IsSimpleDotted(d.Namespace)))
            {
                return null;
            }

            d.NamespaceStyle = style;
            return $"namespace: {style}";
        }),
        new("namespace name", (d, r) =>
        {
            string name = Pick(r, new[] { "Demo.Sub", "A.B.C", "Dem\\u006F", "Demo . Sub", "Demo /*c*/ . Sub", "System.Demo", "CceGen.Demo", "Demo.Losses" });
            if (name == d.Namespace)
            {
                return null;
            }

            d.Namespace = name;
            if (d.NamespaceStyle == "nested" && !IsSimpleDotted(name))
            {
                d.NamespaceStyle = "block";
            }

            if (d.NamespaceStyle == "global")
            {
                d.NamespaceStyle = "file";
            }

            return name.Contains("/*", StringComparison.Ordinal) ? "namespace: comment inside the name" : $"namespace: name '{name}'";
        }),
        new("nullable", (d, r) =>
        {
            string directive = Pick(r, new[] { "#nullable enable", "#nullable disable", "#nullable restore", "#nullable disable warnings", "#nullable enable annotations" });
            if (r.Next(2) == 0)
            {
                d.Preamble.Add(directive);
                return $"file: {directive}";
            }

            d.BeforeKernel.Add(directive);
            return $"before kernel: {directive}";
        }),
        new("pragma", (d, r) =>
        {
            d.Preamble.Add("#pragma warning disable CS1591");
            return "file: #pragma warning disable CS1591";
        }),
        new("usings", (d, r) =>
        {
            switch (r.Next(5))
            {
                case 0:
                    return d.Usings.Remove("using System;") ? "usings: drop 'using System;'" : null;
                case 1:
                    return d.Usings.Remove("using CceGen;") ? "usings: drop 'using CceGen;'" : null;
                case 2:
                    if (!d.Usings.Remove("using System;"))
                    {
                        return null;
                    }

                    d.Usings.Insert(0, "global using System;");
                    return "usings: global using System";
                case 3:
                    AddOnce(d.Usings, "using K = CceGen.SparseCceKernelAttribute;");
                    d.Kernel.AttributeName = "K";
                    return "usings: attribute through an alias";
                default:
                    d.Kernel.AttributeName = "global::CceGen.SparseCceKernelAttribute";
                    return "attribute: fully qualified name";
            }
        }),
        new("language version", (d, r) =>
        {
            LanguageVersion v = Pick(r, new[] { LanguageVersion.CSharp10, LanguageVersion.CSharp11, LanguageVersion.CSharp12, LanguageVersion.CSharp13, LanguageVersion.Latest, LanguageVersion.Preview });
            if (v == d.Language)
            {
                return null;
            }

            d.Language = v;
            return $"LangVersion {v}";
        }),
        new("documentation", (d, r) =>
        {
            if (d.Documentation)
            {
                return null;
            }

            d.Documentation = true;
            return "GenerateDocumentationFile (DocumentationMode.Diagnose)";
        }),

        // ---- the method ---------------------------------------------------------------------------------------------
        new("method unsafe", (d, r) =>
        {
            if (d.Kernel.Modifiers.Contains("unsafe"))
            {
                return null;
            }

            d.Kernel.Modifiers.Insert(Math.Max(0, d.Kernel.Modifiers.Count - 1), "unsafe");
            return "method: unsafe";
        }),
        new("type unsafe", (d, r) =>
        {
            FuzzContainer c = d.Innermost;
            if (c.Modifiers.Contains("unsafe"))
            {
                return null;
            }

            c.Modifiers.Add("unsafe");
            return "innermost type: unsafe";
        }),
        new("method body", (d, r) =>
        {
            string body = Pick(r, new[] { " => default;", " { return default; }", " { }", " => throw new NotImplementedException();" });
            if (d.Kernel.Body == body)
            {
                return null;
            }

            d.Kernel.Body = body;
            return $"method: body '{body.Trim()}'";
        }),
        new("method accessibility", (d, r) =>
        {
            string access = Pick(r, Accessibilities);
            d.Kernel.Modifiers.RemoveAll(m => m is "public" or "internal" or "private" or "protected");
            if (access.Length > 0)
            {
                d.Kernel.Modifiers.InsertRange(0, access.Split(' '));
            }

            return $"method: accessibility '{access}'";
        }),
        new("method extra modifier", (d, r) =>
        {
            string modifier = Pick(r, new[] { "new", "extern", "async", "unsafe" });
            if (d.Kernel.Modifiers.Contains(modifier))
            {
                return null;
            }

            int at = d.Kernel.Modifiers.IndexOf("partial");
            d.Kernel.Modifiers.Insert(at < 0 ? d.Kernel.Modifiers.Count : at, modifier);
            return $"method: modifier {modifier}";
        }),
        new("method modifier order", (d, r) =>
        {
            List<string> m = d.Kernel.Modifiers;
            int s = m.IndexOf("static");
            if (s <= 0)
            {
                return null;
            }

            m.RemoveAt(s);
            m.Insert(0, "static");
            return "method: 'static' first";
        }),
        new("method attributes", (d, r) =>
        {
            string attribute = Pick(r, new[]
            {
                "[Obsolete(\"use Loss2\")]",
                "[System.CodeDom.Compiler.GeneratedCode(\"user\", \"1.0\")]",
                "[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]",
                "[System.Runtime.CompilerServices.SkipLocalsInit]",
                "[System.Diagnostics.CodeAnalysis.SuppressMessage(\"a\", \"b\")]",
            });
            if (d.Kernel.ExtraAttributes.Contains(attribute))
            {
                return null;
            }

            d.Kernel.ExtraAttributes.Add(attribute);
            return $"method: attribute {attribute.Split('(')[0].TrimStart('[').TrimEnd(']')}";
        }),
        new("method doc comment", (d, r) =>
        {
            if (d.Kernel.DocComment.Count > 0)
            {
                return null;
            }

            if (d.Kernel.Params.Count == 0)
            {
                return null;
            }

            d.Kernel.DocComment.Add("/// <summary>The batch loss of <paramref name=\"" + d.Kernel.Params[0].Name.TrimStart('@') + "\"/>.</summary>");
            return "method: user doc comment";
        }),
        new("method name", (d, r) =>
        {
            string name = Pick(r, MethodNames);
            if (name == d.Kernel.Name)
            {
                return null;
            }

            d.Kernel.Name = name;
            return $"method: name {name}";
        }),
        new("user implementation", (d, r) =>
        {
            if (d.Kernel.UserImplementation || d.Kernel.AttributeOnImplementation || d.Kernel.Body != ";")
            {
                return null;
            }

            if (r.Next(2) == 0)
            {
                d.Kernel.UserImplementation = true;
                return "method: the user also wrote the implementing part";
            }

            d.Kernel.AttributeOnImplementation = true;
            return "method: the attribute is on a user-written implementing part";
        }),
        new("return type", (d, r) =>
        {
            string type = Pick(r, new[] { "double", "int", "void", "float", "Single", "System.Single", "Half", "float?" });
            if (type == d.Kernel.ReturnType)
            {
                return null;
            }

            d.Kernel.ReturnType = type;
            return $"return type {type}";
        }),

        // ---- parameters ---------------------------------------------------------------------------------------------
        new("param type swap", (d, r) =>
        {
            if (d.Kernel.Params.Count == 0)
            {
                return null;
            }

            int i = r.Next(d.Kernel.Params.Count);
            FuzzParam p = d.Kernel.Params[i];
            string type = p.Type.Contains('<')
                ? p.Type.Substring(0, p.Type.IndexOf('<') + 1) + Pick(r, SpanElementSwaps) + ">"
                : Pick(r, ScalarSwaps);
            if (type == p.Type)
            {
                return null;
            }

            p.Type = type;
            p.Spelling = null;
            return $"param[{i}]: type {type}";
        }),
        new("param span kind flip", (d, r) =>
        {
            int i = r.Next(Math.Max(1, d.Kernel.Params.Count));
            if (i >= d.Kernel.Params.Count || !d.Kernel.Params[i].Type.Contains("Span<", StringComparison.Ordinal))
            {
                return null;
            }

            FuzzParam p = d.Kernel.Params[i];
            p.Type = p.Type.StartsWith("ReadOnlySpan<", StringComparison.Ordinal) ? p.Type.Substring("ReadOnly".Length) : "ReadOnly" + p.Type;
            p.Spelling = null;
            return $"param[{i}]: type {p.Type}";
        }),
        new("param remove", (d, r) =>
        {
            if (d.Kernel.Params.Count == 0)
            {
                return null;
            }

            int i = r.Next(d.Kernel.Params.Count);
            string removed = d.Kernel.Params[i].Type;
            d.Kernel.Params.RemoveAt(i);
            return $"param[{i}]: remove ({removed})";
        }),
        new("param duplicate", (d, r) =>
        {
            if (d.Kernel.Params.Count == 0)
            {
                return null;
            }

            int i = r.Next(d.Kernel.Params.Count);
            FuzzParam copy = d.Kernel.Params[i].Clone();
            copy.Name = UniqueName(d, copy.Name.TrimStart('@') + "2");
            d.Kernel.Params.Insert(i + 1, copy);
            return $"param[{i}]: duplicate";
        }),
        new("param reorder", (d, r) =>
        {
            if (d.Kernel.Params.Count < 2)
            {
                return null;
            }

            int i = r.Next(d.Kernel.Params.Count - 1);
            int j = i + 1 + r.Next(d.Kernel.Params.Count - i - 1);
            (d.Kernel.Params[i], d.Kernel.Params[j]) = (d.Kernel.Params[j], d.Kernel.Params[i]);
            return $"params: swap {i} and {j}";
        }),
        new("param modifier", (d, r) =>
        {
            if (d.Kernel.Params.Count == 0)
            {
                return null;
            }

            int i = r.Next(d.Kernel.Params.Count);
            string modifier = Pick(r, ParamModifiers);
            FuzzParam p = d.Kernel.Params[i];
            if (p.Modifier == modifier)
            {
                return null;
            }

            p.Modifier = modifier;
            p.Default = string.Empty;
            return $"param[{i}]: modifier {modifier}";
        }),
        new("extension method", (d, r) =>
        {
            if (d.Kernel.Params.Count == 0 || d.Kernel.Params[0].Modifier.Length > 0)
            {
                return null;
            }

            // Legal C# when the kernel sits in a top-level, non-generic static class (most seeds): an extension method.
            d.Kernel.Params[0].Modifier = "this";
            d.Kernel.Params[0].Default = string.Empty;
            return "param[0]: modifier this (extension method)";
        }),
        new("param scoped out", (d, r) =>
        {
            FuzzParam? last = d.Kernel.Params.LastOrDefault();
            if (last is null || last.Modifier != "out")
            {
                return null;
            }

            last.Modifier = "scoped out";
            return "last param: scoped out";
        }),
        new("param default value", (d, r) =>
        {
            if (d.Kernel.Params.Count == 0)
            {
                return null;
            }

            int i = r.Next(d.Kernel.Params.Count);
            FuzzParam p = d.Kernel.Params[i];
            if (p.Modifier.Length > 0 || p.Default.Length > 0)
            {
                return null;
            }

            p.Default = p.Type == "int" ? " = 10" : " = default";
            return $"param[{i}]: default value";
        }),
        new("param default values on the tail", (d, r) =>
        {
            int n = 0;
            for (int i = d.Kernel.Params.Count - 1; i >= 1 && d.Kernel.Params[i].Modifier.Length == 0 && n < 2; i--, n++)
            {
                d.Kernel.Params[i].Default = d.Kernel.Params[i].Type == "int" ? " = 1" : " = default";
            }

            return n == 0 ? null : $"params: default values on the last {n}";
        }),
        new("param rename", (d, r) =>
        {
            if (d.Kernel.Params.Count == 0)
            {
                return null;
            }

            int i = r.Next(d.Kernel.Params.Count);
            string name = Pick(r, ParamNames);
            if (d.Kernel.Params.Any(p => SameName(p.Name, name)))
            {
                return null;
            }

            d.Kernel.Params[i].Name = name;
            return $"param[{i}]: name {name}";
        }),
        new("param rename all", (d, r) =>
        {
            string[] names = ParamNames.OrderBy(_ => r.Next()).Take(d.Kernel.Params.Count).ToArray();
            for (int i = 0; i < names.Length; i++)
            {
                d.Kernel.Params[i].Name = names[i];
            }

            return names.Length == 0 ? null : $"params: names {string.Join(",", names)}";
        }),
        new("param spelling", (d, r) =>
        {
            if (d.Kernel.Params.Count == 0)
            {
                return null;
            }

            int i = r.Next(d.Kernel.Params.Count);
            FuzzParam p = d.Kernel.Params[i];
            string style = Pick(r, new[] { "qualified", "global", "bcl names", "alias" });
            string t = p.Type;
            string spelled = style switch
            {
                "qualified" => Qualify(t, "System."),
                "global" => Qualify(t, "global::System."),
                "bcl names" => BclNames(t),
                _ => "T" + i.ToString(CultureInfo.InvariantCulture) + "Alias",
            };
            if (style == "alias")
            {
                if (t.Contains('<'))
                {
                    AddOnce(d.Usings, $"using {spelled} = {Qualify(t, "System.")};");
                }
                else
                {
                    // Aliases of keyword types ('using X = int;') are C# 12.
                    AddOnce(d.Usings, $"using {spelled} = {t};");
                }

                d.Aliases[spelled] = t;
            }

            if (spelled == t)
            {
                return null;
            }

            p.Spelling = spelled;
            return $"param[{i}]: spelled {style} ({spelled})";
        }),
        new("param add", (d, r) =>
        {
            (string type, string name) = Pick(r, new[]
            {
                ("int", "classCount"), ("int", "rowStride"), ("int", "labelStride"), ("Span<float>", "losses"), ("Span<float>", "gradient"),
                ("Span<Half>", "gradient"), ("ReadOnlySpan<float>", "upstream"), ("int", "correct"), ("ReadOnlySpan<long>", "labels2"),
            });
            var p = new FuzzParam(type, UniqueName(d, name));
            if (name == "correct")
            {
                p.Modifier = "out";
            }

            int at = r.Next(d.Kernel.Params.Count + 1);
            d.Kernel.Params.Insert(at, p);
            return $"param add at {at}: {p.Render()}";
        }),

        // ---- consistent edits that keep the kernel valid --------------------------------------------------------------
        new("form: toggle fixed class count", (d, r) =>
        {
            FuzzKernel k = d.Kernel;
            int ccIndex = k.Params.FindIndex(p => p.Type == "int" && p.Modifier.Length == 0);
            FuzzArg? cc = k.NamedValue("ClassCount");
            if (cc is { Value: > 0 })
            {
                if (k.NamedValue("RowStride") is { Value: > 0 } || k.Params.Count < 2)
                {
                    return null;
                }

                k.SetNamed("ClassCount", null);
                k.Params.Insert(1, new FuzzParam("int", UniqueName(d, "classCount")));
                return "form: ClassCount moved to a parameter";
            }

            if (cc is null && ccIndex == 1)
            {
                k.Params.RemoveAt(1);
                int c = Pick(r, new[] { 1, 2, 16, 17, 64, 65, 1000 });
                k.SetNamed("ClassCount", new FuzzArg(c.ToString(CultureInfo.InvariantCulture), c));
                return $"form: ClassCount = {c} in the attribute";
            }

            return null;
        }),
        new("form: toggle Mean/Sum", (d, r) =>
        {
            FuzzKernel k = d.Kernel;
            if (k.Reduction.Value is not (0 or 1))
            {
                return null;
            }

            k.Reduction = k.Reduction.Value == 0 ? new FuzzArg("CceReduction.Sum", 1) : new FuzzArg("CceReduction.Mean", 0);
            return $"form: reduction {k.Reduction.Text}";
        }),
        new("form: input kind", (d, r) =>
        {
            int input = r.Next(3);
            string[] names = { "CceInput.Logits", "CceInput.PyTorchProbabilities", "CceInput.KerasProbabilities" };
            if (d.Kernel.Input.Value == input)
            {
                return null;
            }

            d.Kernel.Input = new FuzzArg(names[input], input);
            return $"form: input {names[input]}";
        }),
        new("form: drop the gradient", (d, r) =>
        {
            int i = d.Kernel.Params.FindIndex(p => p.Name.Contains("grad", StringComparison.Ordinal) || (p.Type is "Span<Half>"));
            if (i < 0)
            {
                return null;
            }

            d.Kernel.Params.RemoveAt(i);
            d.Kernel.Params.RemoveAll(p => p.Name == "upstream");
            return "form: drop the gradient (and upstream)";
        }),
        new("form: add the accuracy count", (d, r) =>
        {
            if (d.Kernel.Params.Any(p => p.Modifier == "out"))
            {
                return null;
            }

            d.Kernel.Params.Add(new FuzzParam("int", UniqueName(d, Pick(r, new[] { "correct", "hits", "@fixed", "row" }))) { Modifier = "out" });
            return "form: add 'out int correct'";
        }),
        new("form: add a gradient", (d, r) =>
        {
            if (d.Kernel.Params.Any(p => p.Name.Contains("grad", StringComparison.Ordinal)))
            {
                return null;
            }

            int at = d.Kernel.Params.Count > 0 && d.Kernel.Params[^1].Modifier == "out" ? d.Kernel.Params.Count - 1 : d.Kernel.Params.Count;
            string type = Pick(r, new[] { "Span<float>", "Span<Half>" });
            d.Kernel.Params.Insert(at, new FuzzParam(type, UniqueName(d, "gradient")));
            return $"form: add {type} gradient";
        }),
        new("form: dtype", (d, r) =>
        {
            FuzzParam? p = d.Kernel.Params.FirstOrDefault(p => p.Type is "ReadOnlySpan<float>" or "ReadOnlySpan<Half>");
            FuzzParam? l = d.Kernel.Params.FirstOrDefault(p => p.Type is "ReadOnlySpan<int>" or "ReadOnlySpan<long>");
            if (p is null || l is null)
            {
                return null;
            }

            bool half = r.Next(2) == 0, longLabels = r.Next(2) == 0;
            p.Type = half ? "ReadOnlySpan<Half>" : "ReadOnlySpan<float>";
            l.Type = longLabels ? "ReadOnlySpan<long>" : "ReadOnlySpan<int>";
            p.Spelling = l.Spelling = null;
            return $"form: {p.Type} predictions, {l.Type} labels";
        }),
        new("form: named argument order", (d, r) =>
        {
            if (d.Kernel.Named.Count < 2)
            {
                return null;
            }

            d.Kernel.Named.Reverse();
            return "attribute: named arguments reversed";
        }),

        // ---- attribute values ----------------------------------------------------------------------------------------
        new("attribute input", (d, r) =>
        {
            FuzzArg arg = Pick(r, new[]
            {
                new FuzzArg("(CceInput)7", 7), new FuzzArg("(CceInput)(-1)", -1), new FuzzArg("(CceInput)1", 1), new FuzzArg("CceReduction.Mean", null),
                new FuzzArg("0", 0), new FuzzArg("1", null), new FuzzArg("(CceInput)int.MaxValue", int.MaxValue), new FuzzArg("default", 0), new FuzzArg("null", null),
            });
            d.Kernel.Input = arg;
            return $"attribute: input {arg.Text}";
        }),
        new("attribute reduction", (d, r) =>
        {
            FuzzArg arg = Pick(r, new[]
            {
                new FuzzArg("CceReduction.Mean", 0), new FuzzArg("CceReduction.Sum", 1), new FuzzArg("CceReduction.None", 2), new FuzzArg("(CceReduction)3", 3),
                new FuzzArg("(CceReduction)(-2)", -2), new FuzzArg("CceInput.Logits", null), new FuzzArg("\"Mean\"", null),
            });
            if (arg.Text == d.Kernel.Reduction.Text)
            {
                return null;
            }

            d.Kernel.Reduction = arg;
            return $"attribute: reduction {arg.Text}";
        }),
        new("attribute class count", (d, r) =>
        {
            FuzzArg arg = Pick(r, new[]
            {
                new FuzzArg("-1", -1), new FuzzArg("0", 0), new FuzzArg("1", 1), new FuzzArg("int.MaxValue", int.MaxValue), new FuzzArg("int.MinValue", int.MinValue),
                new FuzzArg("1_000_000", 1_000_000), new FuzzArg("3.5", null), new FuzzArg("\"10\"", null), new FuzzArg("10L", null), new FuzzArg("(int)CceInput.KerasProbabilities", 2),
            });
            d.Kernel.SetNamed("ClassCount", arg);
            return $"attribute: ClassCount = {arg.Text}";
        }),
        new("attribute row stride", (d, r) =>
        {
            int c = d.Kernel.NamedValue("ClassCount")?.Value ?? 0;
            FuzzArg arg = Pick(r, new[]
            {
                new FuzzArg("-4", -4), new FuzzArg("0", 0), new FuzzArg(Str(c - 1), c - 1), new FuzzArg(Str(c), c), new FuzzArg(Str(c + 6), c + 6),
                new FuzzArg("int.MaxValue", int.MaxValue), new FuzzArg("uint.MaxValue", null),
            });
            d.Kernel.SetNamed("RowStride", arg);
            return $"attribute: RowStride = {arg.Text} (ClassCount {c})";
        }),
        new("attribute labels", (d, r) =>
        {
            FuzzArg arg = Pick(r, new[] { new FuzzArg("CceLabelShape.Column", 1), new FuzzArg("CceLabelShape.Vector", 0), new FuzzArg("(CceLabelShape)7", 7), new FuzzArg("CceInput.Logits", null) });
            d.Kernel.SetNamed("Labels", arg);
            return $"attribute: Labels = {arg.Text}";
        }),
        new("attribute duplicate named", (d, r) =>
        {
            if (d.Kernel.Named.Count == 0)
            {
                return null;
            }

            KeyValuePair<string, FuzzArg> n = d.Kernel.Named[r.Next(d.Kernel.Named.Count)];
            d.Kernel.Named.Add(n);
            return $"attribute: named argument {n.Key} twice";
        }),
        new("attribute twice", (d, r) =>
        {
            if (d.Kernel.AttributeTwice)
            {
                return null;
            }

            d.Kernel.AttributeTwice = true;
            return "attribute: applied twice";
        }),
        new("attribute target", (d, r) =>
        {
            string target = Pick(r, new[] { "method: ", "return: " });
            d.Kernel.AttributeTarget = target;
            return $"attribute: target '{target.Trim()}'";
        }),
        new("attribute decoys", (d, r) =>
        {
            string attr = "[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 4)]";
            if (!d.Usings.Contains("using CceGen;"))
            {
                return null;
            }

            switch (r.Next(5))
            {
                case 0:
                    d.NamespaceMembers.Add($"{attr} internal static partial class Decoy {{ }}");
                    return "decoy: attribute on a class";
                case 1:
                    d.InnerMembers.Add($"{attr} private static int s_decoy;");
                    return "decoy: attribute on a field";
                case 2:
                    d.InnerMembers.Add($"private static void DecoyHost() {{ {attr} static float Local(ReadOnlySpan<float> z, ReadOnlySpan<int> y) => 0; _ = Local(default, default); }}");
                    return "decoy: attribute on a local function";
                case 3:
                    d.InnerMembers.Add($"private static void DecoyLambda() {{ var f = {attr} (int a) => a; _ = f(1); }}");
                    return "decoy: attribute on a lambda";
                default:
                    d.InnerMembers.Add($"private static void DecoyParameter({attr} int a) {{ }}");
                    return "decoy: attribute on a parameter";
            }
        }),

        // ---- siblings and shadowing ----------------------------------------------------------------------------------
        new("sibling overload", (d, r) =>
        {
            if (d.Mutations.Any(m => m.StartsWith("sibling: overload", StringComparison.Ordinal)))
            {
                return null;
            }

            // A signature no seed can reach, so the overload never duplicates the kernel's own (that would be the user's CS0756).
            d.InnerMembers.Add($"{SiblingAttribute} public static partial float {d.Kernel.Name}({Ros}<{GHalf}> siblingLogits, int siblingClassCount, int siblingRowStride, {Ros}<long> siblingLabels, global::System.Span<{GHalf}> siblingGradient);");
            d.SiblingKernels++;
            return "sibling: overload of the same name";
        }),
        new("sibling other name", (d, r) =>
        {
            if (d.Mutations.Any(m => m.StartsWith("sibling: another kernel", StringComparison.Ordinal)))
            {
                return null;
            }

            d.InnerMembers.Add($"[global::CceGen.SparseCceKernel(global::CceGen.CceInput.KerasProbabilities, global::CceGen.CceReduction.None, ClassCount = 3)] internal static partial void SiblingRows({Ros}<float> p, {Ros}<int> y, global::System.Span<float> l);");
            d.SiblingKernels++;
            return "sibling: another kernel in the same type";
        }),
        new("sibling case variant", (d, r) =>
        {
            string name = d.Kernel.Name;
            if (d.Mutations.Any(m => m.StartsWith("sibling: kernel whose name differs only in case", StringComparison.Ordinal)))
            {
                return null;
            }

            if (name.Length == 0 || !char.IsLetter(name[0]) || name.Contains('\\'))
            {
                return null;
            }

            string variant = char.IsUpper(name[0]) ? char.ToLowerInvariant(name[0]) + name.Substring(1) : char.ToUpperInvariant(name[0]) + name.Substring(1);
            d.InnerMembers.Add($"{SiblingAttribute} public static partial float {variant}({Ros}<{GHalf}> siblingLogits, int siblingClassCount, {Ros}<int> siblingLabels);");
            d.SiblingKernels++;
            return "sibling: kernel whose name differs only in case";
        }),
        new("sibling arity lookalike", (d, r) =>
        {
            if (d.Containers.Count != 1 || d.Containers[0].Arity > 1 || d.Mutations.Any(m => m.StartsWith("sibling: type named X_1", StringComparison.Ordinal)) || d.Containers[0].Name.StartsWith('@') || d.Containers[0].Name.Contains('\\'))
            {
                return null;
            }

            FuzzContainer c = d.Containers[0];
            if (!c.IsGeneric)
            {
                c.TypeParameters = "<T>";
            }

            d.NamespaceMembers.Add($"public static partial class {c.Name}_1 {{ {SiblingAttribute} public static partial float {d.Kernel.Name}({Ros}<{GHalf}> siblingLogits, int siblingClassCount, {Ros}<int> siblingLabels); }}");
            d.SiblingKernels++;
            return "sibling: type named X_1 beside generic X<T>";
        }),
        new("shadow Half", (d, r) =>
        {
            if (d.ShadowHalf || d.NamespaceStyle == "global")
            {
                return null;
            }

            d.ShadowHalf = true;
            d.NamespaceMembers.Add("public readonly struct Half { }");
            return "shadow: user type Half in the namespace";
        }),
        new("shadow ReadOnlySpan", (d, r) =>
        {
            if (d.ShadowReadOnlySpan || d.NamespaceStyle == "global")
            {
                return null;
            }

            d.ShadowReadOnlySpan = true;
            d.NamespaceMembers.Add("public readonly ref struct ReadOnlySpan<T> { }");
            return "shadow: user type ReadOnlySpan<T> in the namespace";
        }),
    };

    // Siblings are written fully qualified so that shadowing or dropped usings never make them invalid.
    private const string SiblingAttribute = "[global::CceGen.SparseCceKernel(global::CceGen.CceInput.Logits, global::CceGen.CceReduction.Sum)]";
    private const string Ros = "global::System.ReadOnlySpan";
    private const string GHalf = "global::System.Half";

    private static string BclNames(string type)
    {
        string b = type.Replace("<float>", "<Single>").Replace("<int>", "<Int32>").Replace("<long>", "<Int64>").Replace("<double>", "<Double>");
        return b switch
        {
            "int" => "Int32",
            "float" => "Single",
            "long" => "Int64",
            _ => b,
        };
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    private static bool Remove(List<string> list, string item) => list.Remove(item);

    private static void AddOnce(List<string> list, string item)
    {
        if (!list.Contains(item))
        {
            list.Add(item);
        }
    }

    private static bool IsSimpleDotted(string ns) => ns.Split('.').All(p => p.Length > 0 && p.All(c => char.IsLetterOrDigit(c) || c == '_'));

    private static bool SameName(string a, string b) => a.TrimStart('@') == b.TrimStart('@');

    private static string UniqueName(FuzzDecl d, string name)
    {
        string candidate = name;
        for (int i = 2; d.Kernel.Params.Any(p => SameName(p.Name, candidate)); i++)
        {
            candidate = name + i.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    private static string Qualify(string type, string prefix) =>
        type.Contains('<')
            ? prefix + type.Substring(0, type.IndexOf('<') + 1) + QualifyElement(type.Substring(type.IndexOf('<') + 1).TrimEnd('>'), prefix) + ">"
            : QualifyElement(type, prefix);

    private static string QualifyElement(string element, string prefix) => element == "Half" ? prefix + "Half" : element;
}
