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

            var diagnostics = new List<DiagnosticInfo>();
            Location nameLocation = syntax.Identifier.GetLocation();
            string methodName = method.Name;

            // Declaration shape: C# 11+, static, partial definition, not generic, inside partial types.
            LanguageVersion languageVersion = ((CSharpParseOptions)syntax.SyntaxTree.Options).LanguageVersion;
            if (languageVersion != LanguageVersion.Default && languageVersion != LanguageVersion.Latest &&
                languageVersion != LanguageVersion.LatestMajor && languageVersion != LanguageVersion.Preview &&
                languageVersion < LanguageVersion.CSharp11)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LanguageVersionTooLow, nameLocation, methodName, languageVersion.ToDisplayString()));
            }

            if (!method.IsStatic)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.KernelMustBeStatic, nameLocation, methodName));
            }

            bool isPartial = syntax.Modifiers.Any(SyntaxKind.PartialKeyword);
            if (!isPartial || syntax.Body is not null || syntax.ExpressionBody is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.KernelMustBePartialDefinition, nameLocation, methodName));
            }

            if (method.IsGenericMethod)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.KernelMustNotBeGeneric, nameLocation, methodName));
            }

            ContainingTypeSpec? containing = ParseContainingTypes(syntax, methodName, diagnostics);
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
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
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

            var spec = new SignatureParser(method, methodName, (InputKind)input, (ReductionKind)reduction,
                (LabelShapeKind)labelShape, classCount, rowStride, nameLocation, diagnostics).Parse();

            if (diagnostics.Count > 0 || spec is null || containing is null)
            {
                return new Result<KernelSpec?>(null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            string modifiers = string.Join(" ", syntax.Modifiers.Select(static m => m.Text));
            string hintName = BuildHintName(containing, method);
            return new Result<KernelSpec?>(
                new KernelSpec(containing, hintName, methodName, modifiers, spec.Value.Predictions, spec.Value.Labels,
                    (InputKind)input, (ReductionKind)reduction, (LabelShapeKind)labelShape, classCount, rowStride,
                    spec.Value.Gradient, new EquatableArray<ParameterSpec>(spec.Value.Parameters)),
                EquatableArray<DiagnosticInfo>.Empty);

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

        private static ContainingTypeSpec? ParseContainingTypes(MethodDeclarationSyntax syntax, string methodName, List<DiagnosticInfo> diagnostics)
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

                    types.Insert(0, new TypeDeclarationSpec(TypeKeyword(type), type.Identifier.Text + (type.TypeParameterList?.ToString() ?? string.Empty)));
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

            string? ns = null;
            var parts = new List<string>();
            for (SyntaxNode? node = syntax.Parent; node is not null; node = node.Parent)
            {
                if (node is BaseNamespaceDeclarationSyntax nsSyntax)
                {
                    parts.Insert(0, nsSyntax.Name.ToString());
                }
            }

            if (parts.Count > 0)
            {
                ns = string.Join(".", parts);
            }

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
                builder.Append(containing.Namespace).Append('.');
            }

            for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                string part = type.Arity > 0 ? type.Name + "_" + type.Arity.ToString(System.Globalization.CultureInfo.InvariantCulture) : type.Name;
                builder.Insert(containing.Namespace is null ? 0 : containing.Namespace.Length + 1, part + ".");
            }

            builder.Append(method.Name);
            AppendOverloadIndex(method, builder);
            builder.Append(".g.cs");
            return builder.ToString();
        }

        private static void AppendOverloadIndex(IMethodSymbol method, StringBuilder builder)
        {
            var sameName = method.ContainingType.GetMembers(method.Name);
            if (sameName.Length > 1)
            {
                for (int i = 0; i < sameName.Length; i++)
                {
                    if (SymbolEqualityComparer.Default.Equals(sameName[i], method))
                    {
                        builder.Append('_').Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        break;
                    }
                }
            }
        }
    }
}
