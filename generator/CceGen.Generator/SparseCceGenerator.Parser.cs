using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using CceGen.Generator.Diagnostics;
using CceGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CceGen.Generator;

public sealed partial class SparseCceGenerator
{
    /// <summary>
    /// Symbol + attribute -> <see cref="KernelSpec"/> or diagnostics. Validates everything the emitter relies on;
    /// never throws for any input (an unexpected exception becomes CCE0013).
    /// </summary>
    internal static class Parser
    {
        public static Result<KernelSpec?> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            try
            {
                return ParseCore(context, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                string name = context.TargetSymbol?.Name ?? "?";
                return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, context.TargetNode.GetLocation(), name, ex.GetType().Name + ": " + ex.Message));
            }
        }

        private static Result<KernelSpec?> ParseCore(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax)
            {
                return new Result<KernelSpec?>(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            // LanguageVersion.CSharp13 (1300) is newer than the Roslyn this generator compiles against.
            const int CSharp13 = 1300;
            var diagnostics = new List<DiagnosticInfo>();
            Location nameLocation = syntax.Identifier.GetLocation();
            string methodName = method.Name;

            // Declaration shape: C# 12+ (file-local helpers, inline-array lanes), static, partial definition, not generic,
            // inside partial types.
            LanguageVersion languageVersion = ((CSharpParseOptions)syntax.SyntaxTree.Options).LanguageVersion;
            if (languageVersion != LanguageVersion.Default && languageVersion != LanguageVersion.Latest &&
                languageVersion != LanguageVersion.LatestMajor && languageVersion != LanguageVersion.Preview &&
                languageVersion < LanguageVersion.CSharp12)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LanguageVersionTooLow, nameLocation, methodName, languageVersion.ToDisplayString()));
            }

            if (!method.IsStatic)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.KernelMustBeStatic, nameLocation, methodName));
            }

            // A definition part only: no body, no user-written implementing part, and nothing (extern, async) that would make
            // the declaration an implementation or change what the generated body may be.
            bool isPartial = syntax.Modifiers.Any(SyntaxKind.PartialKeyword);
            if (!isPartial || syntax.Body is not null || syntax.ExpressionBody is not null ||
                method.PartialImplementationPart is not null || method.IsExtern ||
                syntax.Modifiers.Any(SyntaxKind.ExternKeyword) || syntax.Modifiers.Any(SyntaxKind.AsyncKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.KernelMustBePartialDefinition, nameLocation, methodName));
            }

            // C# requires an accessibility modifier on a partial method that returns a value or has out parameters; without
            // one the user already has CS8796 and the generated part would repeat it.
            bool hasAccessibility = syntax.Modifiers.Any(static m => m.Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword
                or SyntaxKind.ProtectedKeyword or SyntaxKind.InternalKeyword);
            if (!hasAccessibility && (!method.ReturnsVoid || method.Parameters.Any(static p => p.RefKind == RefKind.Out)))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AccessibilityRequired, nameLocation, methodName));
            }

            if (method.IsGenericMethod)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.KernelMustNotBeGeneric, nameLocation, methodName));
            }

            ContainingTypeSpec? containing = ParseContainingTypes(syntax, method, methodName, diagnostics);
            cancellationToken.ThrowIfCancellationRequested();

            // Attribute options. A malformed attribute is already a compiler error: generate nothing, add nothing.
            AttributeData attribute = context.Attributes[0];
            if (attribute.ConstructorArguments.Length != 2 ||
                attribute.ConstructorArguments.Any(static a => a.Kind == TypedConstantKind.Error || a.Value is not int))
            {
                return new Result<KernelSpec?>(null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            Location attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? nameLocation;
            int input = (int)attribute.ConstructorArguments[0].Value!;
            int reduction = (int)attribute.ConstructorArguments[1].Value!;
            int labelShape = 0, classCount = 0, rowStride = 0;
            bool parallel = false;
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Key == "Parallel" && named.Value.Value is bool flag)
                {
                    parallel = flag;
                    continue;
                }

                if (named.Value.Value is not int value)
                {
                    return new Result<KernelSpec?>(null, new EquatableArray<DiagnosticInfo>(diagnostics));
                }

                switch (named.Key)
                {
                    case "Labels": labelShape = value; break;
                    case "ClassCount": classCount = value; break;
                    case "RowStride": rowStride = value; break;
                }
            }

            // The parallel runner takes the kernel's rows as a ref struct implementing an interface (C# 13).
            if (parallel && languageVersion is not (LanguageVersion.Default or LanguageVersion.Latest or LanguageVersion.LatestMajor or LanguageVersion.Preview) &&
                (int)languageVersion < CSharp13)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ParallelNeedsCSharp13, attributeLocation, methodName, languageVersion.ToDisplayString()));
            }

            int errorsBeforeOptions = diagnostics.Count;
            CheckOption(input is >= 0 and <= 2, "Input", input, "it must be a CceInput value");
            CheckOption(reduction is >= 0 and <= 2, "Reduction", reduction, "it must be a CceReduction value");
            CheckOption(labelShape is >= 0 and <= 1, "Labels", labelShape, "it must be a CceLabelShape value");
            CheckOption(classCount >= 0, "ClassCount", classCount, "a compile-time class count must be positive (leave it out to pass classCount at run time)");
            CheckOption(rowStride >= 0, "RowStride", rowStride, "a compile-time row stride must be positive (leave it out for dense rows)");
            if (classCount > 0 && rowStride > 0 && rowStride < classCount)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContradictoryOptions, attributeLocation, methodName,
                    $"RowStride = {rowStride} is smaller than ClassCount = {classCount}; a row must hold every class"));
            }

            if (diagnostics.Count > errorsBeforeOptions)
            {
                return new Result<KernelSpec?>(null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            var signatureParser = new SignatureParser(method, methodName, (InputKind)input, (ReductionKind)reduction,
                (LabelShapeKind)labelShape, classCount, rowStride, nameLocation, diagnostics);
            var spec = signatureParser.Parse();

            if (diagnostics.Count > 0 || spec is null || containing is null)
            {
                return new Result<KernelSpec?>(null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            // The generated part repeats exactly the modifiers both parts must share.
            string modifiers = string.Join(" ", syntax.Modifiers
                .Where(static m => m.Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword or SyntaxKind.ProtectedKeyword
                    or SyntaxKind.InternalKeyword or SyntaxKind.StaticKeyword or SyntaxKind.UnsafeKeyword or SyntaxKind.NewKeyword
                    or SyntaxKind.PartialKeyword)
                .Select(static m => m.Text));
            string hintName = BuildHintName(containing, method);
            return new Result<KernelSpec?>(
                new KernelSpec(containing, hintName, methodName, modifiers, spec.Value.Predictions, spec.Value.Labels,
                    (InputKind)input, (ReductionKind)reduction, (LabelShapeKind)labelShape, classCount, rowStride,
                    spec.Value.Gradient, parallel, new EquatableArray<ParameterSpec>(spec.Value.Parameters)),
                new EquatableArray<DiagnosticInfo>(signatureParser.NameWarnings(spec.Value))); // warnings only (CCE0017)

            void CheckOption(bool ok, string option, int value, string why)
            {
                if (!ok)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOptionValue, attributeLocation, option, value.ToString(System.Globalization.CultureInfo.InvariantCulture), methodName, why));
                }
            }
        }

        private static Result<KernelSpec?> Fail(DiagnosticInfo diagnostic) =>
            new(null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));

        private static ContainingTypeSpec? ParseContainingTypes(MethodDeclarationSyntax syntax, IMethodSymbol method, string methodName, List<DiagnosticInfo> diagnostics)
        {
            var types = new List<TypeDeclarationSpec>();
            bool ok = true;
            for (SyntaxNode? node = syntax.Parent; node is not null; node = node.Parent)
            {
                if (node is TypeDeclarationSyntax type)
                {
                    if (!type.Modifiers.Any(SyntaxKind.PartialKeyword))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeMustBePartial, type.Identifier.GetLocation(), type.Identifier.Text, methodName));
                        ok = false;
                    }
                    else if (type.Modifiers.Any(SyntaxKind.FileKeyword))
                    {
                        // A file-local type cannot be extended from the generated file.
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeIsFileLocal, type.Identifier.GetLocation(), type.Identifier.Text, methodName));
                        ok = false;
                    }

                    // Type parameters by name (and variance) only: attributes and constraints live on the user's part.
                    string typeParameters = type.TypeParameterList is null
                        ? string.Empty
                        : "<" + string.Join(", ", type.TypeParameterList.Parameters.Select(static p =>
                            (p.VarianceKeyword.IsKind(SyntaxKind.None) ? string.Empty : p.VarianceKeyword.Text + " ") + p.Identifier.Text)) + ">";
                    types.Insert(0, new TypeDeclarationSpec(TypeKeyword(type), type.Identifier.Text + typeParameters));
                }
                else if (node is not BaseNamespaceDeclarationSyntax && node is not CompilationUnitSyntax)
                {
                    // Methods inside anything else (local functions are not methods here) cannot get a partial part.
                    ok = false;
                }
            }

            if (types.Count == 0)
            {
                ok = false;
            }

            // The namespace from the symbol: no comments, spaces or escapes from the source text.
            INamespaceSymbol? nsSymbol = method.ContainingType?.ContainingNamespace;
            string? ns = nsSymbol is null || nsSymbol.IsGlobalNamespace
                ? null
                : nsSymbol.ToDisplayString(new SymbolDisplayFormat(
                    typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
                    miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers));

            return ok ? new ContainingTypeSpec(ns, new EquatableArray<TypeDeclarationSpec>(types)) : null;
        }

        private static string TypeKeyword(TypeDeclarationSyntax type)
        {
            string keyword = type switch
            {
                RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                StructDeclarationSyntax => "struct",
                InterfaceDeclarationSyntax => "interface",
                _ => "class",
            };

            // 'ref' must appear on every part of a ref struct.
            return type.Modifiers.Any(SyntaxKind.RefKeyword) ? "ref " + keyword : keyword;
        }

        /// <summary>
        /// Hint name: namespace, type chain and method name; overloads of the same name in a type get their index among
        /// the type's members of that name, so the name is a pure function of the declaration (no cross-kernel collect).
        /// </summary>
        private static string BuildHintName(ContainingTypeSpec containing, IMethodSymbol method)
        {
            var builder = new StringBuilder();
            if (containing.Namespace is not null)
            {
                builder.Append(containing.Namespace.Replace("@", string.Empty)).Append('.');
            }

            // Metadata names (Outer`1): a backtick cannot occur in an identifier, so Outer<T> and a type Outer_1 differ.
            var chain = new List<string>();
            for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                chain.Insert(0, type.MetadataName);
            }

            foreach (string part in chain)
            {
                builder.Append(part).Append('.');
            }

            builder.Append(method.Name);
            AppendOverloadIndex(method, builder);
            builder.Append(".g.cs");
            return builder.ToString();
        }

        /// <summary>
        /// Overloads, and names that differ only in case (hint names compare case-insensitively), get their index among
        /// the type's methods with that name ignoring case, in declaration order.
        /// </summary>
        private static void AppendOverloadIndex(IMethodSymbol method, StringBuilder builder)
        {
            var sameName = method.ContainingType.GetMembers()
                .Where(m => m is IMethodSymbol && string.Equals(m.Name, method.Name, StringComparison.OrdinalIgnoreCase))
                .ToList();
            if (sameName.Count > 1)
            {
                int index = sameName.FindIndex(m => SymbolEqualityComparer.Default.Equals(m, method));
                builder.Append('_').Append(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
