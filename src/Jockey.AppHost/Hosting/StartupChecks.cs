using Jockey.AppHost.Orchestration;

namespace Jockey.AppHost.Hosting;

/// <summary>
/// What must hold before anything starts: the repository was found, every selected resource has what it needs
/// (programs, node_modules, built projects, a valid URL), and the fixed dev ports are free. Each problem is one line
/// that names its fix.
/// </summary>
internal static class StartupChecks
{
    /// <param name="ports">The ports about to be bound, by the name of their <c>Ports__</c> setting; empty under tests, whose ports are free by construction.</param>
    public static void ThrowIfAnyProblem(HostPaths paths, IEnumerable<Resource> selected, IEnumerable<(string Name, int Port)> ports)
    {
        if (paths.Problem is { } noRepository)
        {
            // Every other check looks for files in the repository, so they would only repeat this one.
            throw new StartupProblemException([noRepository]);
        }
        var problems = selected.Select(r => r.FindMissingPrerequisite(paths)).OfType<string>()
            .Concat(ports.Where(p => !PortAllocator.IsFree(p.Port)).Select(p => PortInUse(p.Name, p.Port)))
            .Distinct()
            .ToList();
        if (problems.Count > 0)
        {
            throw new StartupProblemException(problems);
        }
    }

    /// <summary>The ports a dev run binds at fixed numbers: resources' public ports and the dashboard's.</summary>
    public static IEnumerable<(string Name, int Port)> FixedPorts(IEnumerable<Resource> selected, int? dashboardPort) =>
        selected
            .Where(r => r.Endpoint is not null && r.ProcessOwner == r && r is not ExternalServiceResource)
            .Select(r => (r.Name, r.Endpoint!.Port))
            .Append(("dashboard", dashboardPort ?? 0))
            .Where(p => p.Item2 != 0);

    /// <summary>Starts a server of the AppHost's own; a port taken since the checks ran is reported like any other.</summary>
    public static async Task<T> BindAsync<T>(string name, int port, Func<Task<T>> start)
    {
        try
        {
            return await start();
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            throw new StartupProblemException([PortInUse(name, port)]);
        }
    }

    public static string PortInUse(string name, int port) =>
        $"port {port} for {name} is in use (is Jockey already running?): stop that process or set Ports__{name} to another port";
}

/// <summary>The AppHost cannot start; each problem is one line that names its fix (shown without a stack trace).</summary>
public sealed class StartupProblemException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
