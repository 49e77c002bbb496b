using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit.Sdk;

namespace CceGen.Generator.Tests;

/// <summary>
/// Compares generated text with a checked-in <c>Snapshots/NAME.verified.cs</c>. On a mismatch it writes
/// <c>NAME.received.cs</c> beside it and fails with a readable diff; <c>CCEGEN_ACCEPT_SNAPSHOTS=1</c> copies the
/// received text over the verified file instead. Line endings are normalized and the generator version is replaced by
/// <c>%VERSION%</c> so a version bump does not churn every snapshot.
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string name, [CallerFilePath] string callerPath = "")
    {
        string folder = Path.Combine(Path.GetDirectoryName(callerPath)!, "Snapshots");
        string verifiedPath = Path.Combine(folder, name + ".verified.cs");
        string receivedPath = Path.Combine(folder, name + ".received.cs");
        string received = Normalize(actual);
        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;

        if (verified == received)
        {
            if (File.Exists(receivedPath))
            {
                File.Delete(receivedPath);
            }

            return;
        }

        if (Environment.GetEnvironmentVariable("CCEGEN_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(verifiedPath, received);
            return;
        }

        File.WriteAllText(receivedPath, received);
        throw new XunitException(
            (verified is null ? $"No snapshot {verifiedPath} yet.\n" : $"Snapshot {name} differs.\n") +
            $"received: {receivedPath}\nverified: {verifiedPath}\n" +
            "Accept with CCEGEN_ACCEPT_SNAPSHOTS=1 if the change is intended.\n" +
            Diff(verified ?? string.Empty, received));
    }

    public static string Normalize(string text)
    {
        string version = typeof(SparseCceGenerator).Assembly.GetName().Version!.ToString();
        return text.Replace("\r\n", "\n").Replace($"\"{version}\"", "\"%VERSION%\"").TrimStart('\uFEFF');
    }

    private static string Diff(string verified, string received)
    {
        DiffPaneModel diff = InlineDiffBuilder.Diff(verified, received, ignoreWhiteSpace: false);
        var builder = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < diff.Lines.Count && shown < 40; i++)
        {
            DiffPiece line = diff.Lines[i];
            if (line.Type is ChangeType.Inserted or ChangeType.Deleted)
            {
                builder.Append(line.Type == ChangeType.Inserted ? "+ " : "- ")
                       .Append($"line {line.Position?.ToString() ?? "?"}: ")
                       .AppendLine(line.Text);
                shown++;
            }
        }

        return builder.ToString();
    }
}
