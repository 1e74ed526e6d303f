using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Jockey.Tests.Deployment;

/// <summary>The compiled ARM template of a Bicep file and what the compiler said about it.</summary>
internal sealed record CompiledBicep(int ExitCode, JsonObject? Template, IReadOnlyList<string> Diagnostics);

/// <summary>
/// Runs the bicep binary that restore put in the NuGet cache (package Azure.Bicep.CommandLine.linux-x64, referenced
/// by the test project; its folder comes through the BicepPath assembly metadata). Nothing is downloaded.
/// </summary>
internal static class BicepCompiler
{
    private static readonly Lazy<Task<CompiledBicep>> MainTemplate = new(() => BuildAsync(Repository.PathOf("infra", "main.bicep")));

    public static Task<CompiledBicep> MainAsync() => MainTemplate.Value;

    public static string ExecutablePath
    {
        get
        {
            var path = typeof(BicepCompiler).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(attribute => attribute.Key == "BicepPath")?.Value;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"bicep not found at '{path}': run `dotnet restore tests/Jockey.Tests` (package Azure.Bicep.CommandLine.linux-x64).");
            }
            return path;
        }
    }

    public static Task<CompiledBicep> BuildAsync(string bicepFile) => RunAsync(["build", bicepFile, "--stdout"], json => json);

    /// <summary>
    /// <c>bicep build-params</c>: a parameters file checked against the template it names (types, allowed values,
    /// required parameters); <see cref="CompiledBicep.Template"/> is the template it was checked against.
    /// </summary>
    public static Task<CompiledBicep> BuildParamsAsync(string paramsFile) =>
        RunAsync(["build-params", paramsFile, "--stdout"], json => JsonNode.Parse(json)!["templateJson"]!.GetValue<string>());

    private static async Task<CompiledBicep> RunAsync(string[] arguments, Func<string, string> templateOf)
    {
        var executable = ExecutablePath;
        // NuGet extracts files without the execute bit on some setups; the compiler is ours to run.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(executable, File.GetUnixFileMode(executable) | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo(executable, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["BICEP_TRACING_ENABLED"] = "false", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
        };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        var diagnostics = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var json = await stdout;
        var template = process.ExitCode == 0 && json.Length > 0 ? JsonNode.Parse(templateOf(json))!.AsObject() : null;
        return new CompiledBicep(process.ExitCode, template, diagnostics);
    }
}
