using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace CceGen.Generator.Tests;

// The fuzzer works on a small structured model of one source file holding one kernel declaration (plus optional
// sibling kernels and decoys). Mutations edit the model; Render() turns it into C#. Keeping the structure (instead of
// editing text) lets FuzzOracle decide from the README grammar alone whether the kernel is valid, independently of
// the generator's parser, so combined mutations that cancel each other out are still judged correctly.

/// <summary>An attribute argument: its source text and, when it is a well-typed constant, its integer value.</summary>
internal sealed record FuzzArg(string Text, int? Value);

/// <summary>One kernel parameter as written.</summary>
internal sealed class FuzzParam
{
    public FuzzParam(string type, string name)
    {
        Type = type;
        Name = name;
    }

    /// <summary>Canonical type text ("ReadOnlySpan&lt;float&gt;", "int", ...), what the oracle reasons about.</summary>
    public string Type { get; set; }

    /// <summary>How the type is spelled in the source when not canonical ("global::System.ReadOnlySpan&lt;System.Single&gt;", an alias...).</summary>
    public string? Spelling { get; set; }

    public string Name { get; set; }

    /// <summary>"", "ref", "in", "out", "params", "scoped", "this", "ref readonly", "scoped ref", "scoped out".</summary>
    public string Modifier { get; set; } = string.Empty;

    /// <summary>Default value clause including " = ", or empty.</summary>
    public string Default { get; set; } = string.Empty;

    public FuzzParam Clone() => (FuzzParam)MemberwiseClone();

    public string Render() => (Modifier.Length > 0 ? Modifier + " " : string.Empty) + (Spelling ?? Type) + " " + Name + Default;
}

/// <summary>One containing type declaration.</summary>
internal sealed class FuzzContainer
{
    public FuzzContainer(string name, string kind = "class", string access = "public")
    {
        Name = name;
        Kind = kind;
        Access = access;
    }

    /// <summary>class, struct, record, record struct, record class, interface, ref struct, readonly struct, readonly record struct.</summary>
    public string Kind { get; set; }

    public string Name { get; set; }

    /// <summary>Accessibility tokens ("public", "protected internal", ...) or "" for none.</summary>
    public string Access { get; set; }

    public bool Partial { get; set; } = true;

    /// <summary>Extra modifiers before 'partial': static, unsafe, sealed, abstract, file, new.</summary>
    public List<string> Modifiers { get; set; } = new();

    public string TypeParameters { get; set; } = string.Empty;

    public string Constraints { get; set; } = string.Empty;

    public string PrimaryConstructor { get; set; } = string.Empty;

    public int Arity => TypeParameters.Length == 0 ? 0 : TypeParameters.Count(c => c == ',') + 1;

    public bool IsGeneric => TypeParameters.Length > 0;

    public FuzzContainer Clone()
    {
        var c = (FuzzContainer)MemberwiseClone();
        c.Modifiers = new List<string>(Modifiers);
        return c;
    }

    public string Header()
    {
        var tokens = new List<string>();
        if (Access.Length > 0)
        {
            tokens.Add(Access);
        }

        tokens.AddRange(Modifiers);
        string keyword = Kind switch
        {
            "ref struct" => "ref {0}struct",
            "readonly struct" => "readonly {0}struct",
            "readonly ref struct" => "readonly ref {0}struct",
            "record struct" => "{0}record struct",
            "readonly record struct" => "readonly {0}record struct",
            "record class" => "{0}record class",
            _ => "{0}" + Kind,
        };
        tokens.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, keyword, Partial ? "partial " : string.Empty));
        return string.Join(" ", tokens) + " " + Name + TypeParameters + PrimaryConstructor + (Constraints.Length > 0 ? " " + Constraints : string.Empty);
    }
}

/// <summary>The kernel method itself.</summary>
internal sealed class FuzzKernel
{
    public string AttributeName { get; set; } = "SparseCceKernel";

    /// <summary>Optional attribute target prefix: "method: " or "return: ".</summary>
    public string AttributeTarget { get; set; } = string.Empty;

    public FuzzArg Input { get; set; } = new("CceInput.Logits", 0);

    public FuzzArg Reduction { get; set; } = new("CceReduction.Mean", 0);

    /// <summary>Named arguments in source order (duplicates allowed: they are a compiler error the fuzzer exercises).</summary>
    public List<KeyValuePair<string, FuzzArg>> Named { get; set; } = new();

    public bool AttributeTwice { get; set; }

    public List<string> ExtraAttributes { get; set; } = new();

    public List<string> DocComment { get; set; } = new();

    /// <summary>Modifiers in source order, e.g. public static partial.</summary>
    public List<string> Modifiers { get; set; } = new() { "public", "static", "partial" };

    public string ReturnType { get; set; } = "float";

    public string Name { get; set; } = "Loss";

    public string TypeParameters { get; set; } = string.Empty;

    public string Constraints { get; set; } = string.Empty;

    public List<FuzzParam> Params { get; set; } = new();

    /// <summary>";" (the definition), or " => default;" / " { return default; }" / " { }".</summary>
    public string Body { get; set; } = ";";

    /// <summary>Set when the user also wrote an implementing part (the generator must not add a second one).</summary>
    public bool UserImplementation { get; set; }

    /// <summary>Set when the attribute sits on a user-written implementing part rather than the definition.</summary>
    public bool AttributeOnImplementation { get; set; }

    public FuzzKernel Clone()
    {
        var k = (FuzzKernel)MemberwiseClone();
        k.Named = new List<KeyValuePair<string, FuzzArg>>(Named);
        k.ExtraAttributes = new List<string>(ExtraAttributes);
        k.DocComment = new List<string>(DocComment);
        k.Modifiers = new List<string>(Modifiers);
        k.Params = Params.Select(p => p.Clone()).ToList();
        return k;
    }

    public FuzzArg? NamedValue(string name) => Named.LastOrDefault(n => n.Key == name).Value;

    public void SetNamed(string name, FuzzArg? value)
    {
        int index = Named.FindIndex(n => n.Key == name);
        if (value is null)
        {
            Named.RemoveAll(n => n.Key == name);
        }
        else if (index >= 0)
        {
            Named[index] = new KeyValuePair<string, FuzzArg>(name, value);
        }
        else
        {
            Named.Add(new KeyValuePair<string, FuzzArg>(name, value));
        }
    }

    public string AttributeText()
    {
        var args = new List<string> { Input.Text, Reduction.Text };
        args.AddRange(Named.Select(n => n.Key + " = " + n.Value.Text));
        return $"[{AttributeTarget}{AttributeName}({string.Join(", ", args)})]";
    }

    public string Signature(bool withModifiers = true) =>
        (withModifiers ? string.Join(" ", Modifiers) + " " : string.Empty) +
        $"{ReturnType} {Name}{TypeParameters}({string.Join(", ", Params.Select(p => p.Render()))})" +
        (Constraints.Length > 0 ? " " + Constraints : string.Empty);

    /// <summary>The implementing part a user would write (no defaults: CS1066; 'out' needs an assignment).</summary>
    public string ImplementationText()
    {
        string parameters = string.Join(", ", Params.Select(p => (p.Modifier.Length > 0 ? p.Modifier + " " : string.Empty) + (p.Spelling ?? p.Type) + " " + p.Name));
        string assignOut = string.Concat(Params.Where(p => p.Modifier.EndsWith("out", System.StringComparison.Ordinal)).Select(p => p.Name + " = default; "));
        string ret = ReturnType == "void" ? string.Empty : "return default; ";
        return $"{string.Join(" ", Modifiers)} {ReturnType} {Name}{TypeParameters}({parameters}) {{ {assignOut}{ret}}}";
    }
}

/// <summary>One source file: usings, namespace, containing types, the kernel, siblings and decoys, and the options.</summary>
internal sealed class FuzzDecl
{
    public FuzzDecl(string seed, FuzzKernel kernel)
    {
        Seed = seed;
        Kernel = kernel;
    }

    public string Seed { get; }

    public FuzzKernel Kernel { get; set; }

    /// <summary>Lines before the usings (#nullable, #pragma).</summary>
    public List<string> Preamble { get; set; } = new();

    public List<string> Usings { get; set; } = new() { "using System;", "using CceGen;" };

    /// <summary>Alias name -> canonical type, for aliases the mutations add to <see cref="Usings"/>.</summary>
    public Dictionary<string, string> Aliases { get; set; } = new();

    /// <summary>file, block, nested or global.</summary>
    public string NamespaceStyle { get; set; } = "file";

    public string Namespace { get; set; } = "Demo";

    /// <summary>Types declared in the namespace beside the kernel's containers (decoys, shadowing types, siblings).</summary>
    public List<string> NamespaceMembers { get; set; } = new();

    /// <summary>Outermost first.</summary>
    public List<FuzzContainer> Containers { get; set; } = new() { new FuzzContainer("Losses") { Modifiers = { "static" } } };

    /// <summary>Members written after the kernel inside the innermost container.</summary>
    public List<string> InnerMembers { get; set; } = new();

    /// <summary>Valid sibling kernels in <see cref="InnerMembers"/> or <see cref="NamespaceMembers"/> (each must generate one file).</summary>
    public int SiblingKernels { get; set; }

    /// <summary>Lines inserted right before the kernel (a #nullable directive, a comment).</summary>
    public List<string> BeforeKernel { get; set; } = new();

    public LanguageVersion Language { get; set; } = LanguageVersion.Latest;

    /// <summary>DocumentationMode.Diagnose, as &lt;GenerateDocumentationFile&gt;true&lt;/GenerateDocumentationFile&gt; sets it.</summary>
    public bool Documentation { get; set; }

    /// <summary>A user type 'Half' is declared in the kernel's namespace, shadowing System.Half for unqualified uses.</summary>
    public bool ShadowHalf { get; set; }

    /// <summary>A user type 'ReadOnlySpan&lt;T&gt;' is declared in the kernel's namespace.</summary>
    public bool ShadowReadOnlySpan { get; set; }

    public List<string> Mutations { get; } = new();

    /// <summary>Names of the mutation operators applied (coverage report).</summary>
    public List<string> Operators { get; } = new();

    public FuzzDecl Clone()
    {
        var d = new FuzzDecl(Seed, Kernel.Clone())
        {
            Preamble = new List<string>(Preamble),
            Usings = new List<string>(Usings),
            Aliases = new Dictionary<string, string>(Aliases),
            NamespaceStyle = NamespaceStyle,
            Namespace = Namespace,
            NamespaceMembers = new List<string>(NamespaceMembers),
            Containers = Containers.Select(c => c.Clone()).ToList(),
            InnerMembers = new List<string>(InnerMembers),
            SiblingKernels = SiblingKernels,
            BeforeKernel = new List<string>(BeforeKernel),
            Language = Language,
            Documentation = Documentation,
            ShadowHalf = ShadowHalf,
            ShadowReadOnlySpan = ShadowReadOnlySpan,
        };
        d.Mutations.AddRange(Mutations);
        d.Operators.AddRange(Operators);
        return d;
    }

    public FuzzContainer Innermost => Containers[Containers.Count - 1];

    public string Description =>
        $"seed={Seed}; lang={Language}; docs={(Documentation ? "diagnose" : "parse")}; mutations: " +
        (Mutations.Count == 0 ? "(none)" : string.Join(" + ", Mutations.Select(m => "[" + m + "]")));

    public string Render()
    {
        var sb = new StringBuilder();
        foreach (string line in Preamble)
        {
            sb.Append(line).Append('\n');
        }

        foreach (string line in Usings)
        {
            sb.Append(line).Append('\n');
        }

        sb.Append('\n');
        int closeNamespaces = 0;
        int indent = 0;
        switch (NamespaceStyle)
        {
            case "file":
                sb.Append("namespace ").Append(Namespace).Append(";\n\n");
                break;
            case "block":
                sb.Append("namespace ").Append(Namespace).Append("\n{\n");
                closeNamespaces = 1;
                indent = 1;
                break;
            case "nested":
                foreach (string part in Namespace.Split('.'))
                {
                    sb.Append(new string(' ', indent * 4)).Append("namespace ").Append(part.Trim()).Append('\n');
                    sb.Append(new string(' ', indent * 4)).Append("{\n");
                    indent++;
                    closeNamespaces++;
                }

                break;
        }

        foreach (string member in NamespaceMembers)
        {
            sb.Append(new string(' ', indent * 4)).Append(member).Append('\n');
        }

        foreach (FuzzContainer container in Containers)
        {
            sb.Append(new string(' ', indent * 4)).Append(container.Header()).Append('\n');
            sb.Append(new string(' ', indent * 4)).Append("{\n");
            indent++;
        }

        string pad = new(' ', indent * 4);
        foreach (string line in BeforeKernel)
        {
            sb.Append(line).Append('\n');
        }

        foreach (string line in Kernel.DocComment)
        {
            sb.Append(pad).Append(line).Append('\n');
        }

        if (!Kernel.AttributeOnImplementation)
        {
            sb.Append(pad).Append(Kernel.AttributeText()).Append('\n');
            if (Kernel.AttributeTwice)
            {
                sb.Append(pad).Append(Kernel.AttributeText()).Append('\n');
            }
        }

        foreach (string attribute in Kernel.ExtraAttributes)
        {
            sb.Append(pad).Append(attribute).Append('\n');
        }

        sb.Append(pad).Append(Kernel.Signature()).Append(Kernel.Body).Append('\n');
        if (Kernel.UserImplementation || Kernel.AttributeOnImplementation)
        {
            if (Kernel.AttributeOnImplementation)
            {
                sb.Append(pad).Append(Kernel.AttributeText()).Append('\n');
            }

            sb.Append(pad).Append(Kernel.ImplementationText()).Append('\n');
        }

        foreach (string member in InnerMembers)
        {
            sb.Append(pad).Append(member).Append('\n');
        }

        for (int i = 0; i < Containers.Count + closeNamespaces; i++)
        {
            indent--;
            sb.Append(new string(' ', indent * 4)).Append("}\n");
        }

        return sb.ToString();
    }
}
