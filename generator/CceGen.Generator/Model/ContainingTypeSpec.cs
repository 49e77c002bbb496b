namespace CceGen.Generator.Model;

/// <summary>The namespace and the chain of partial types (outermost first) around a kernel method.</summary>
internal sealed record ContainingTypeSpec(string? Namespace, EquatableArray<TypeDeclarationSpec> Types);

/// <summary>One type declaration: its keyword(s) ("class", "record struct", "ref struct", ...) and name with type parameters.</summary>
internal sealed record TypeDeclarationSpec(string Keyword, string NameWithTypeParameters);
