namespace Jockey.AppHost.Hosting;

/// <summary>Something the AppHost runs or points at: a process (with replicas) or an external endpoint.</summary>
public abstract class Resource(string name) : IResource
{
    public string Name { get; } = name;

    /// <summary>What the dashboard shows in its Kind column (Executable, Project, Container-like emulator, …).</summary>
    public abstract string Kind { get; }

    public int Replicas { get; internal set; } = 1;

    /// <summary>Resources that must be healthy before this one starts (Aspire's WaitFor).</summary>
    public List<Resource> WaitsFor { get; } = [];

    /// <summary>Callbacks that add environment variables (references, explicit WithEnvironment).</summary>
    public List<Action<IDictionary<string, string>>> EnvironmentCallbacks { get; } = [];

    public EndpointSpec? Endpoint { get; internal set; }

    public HealthProbeSpec? HealthProbe { get; internal set; }

    /// <summary>The resource whose process serves this one (blobs → storage); itself for most resources.</summary>
    public virtual Resource ProcessOwner => this;

    /// <summary>Builds the command line for one replica; null for resources without a process.</summary>
    internal abstract ProcessSpec? CreateProcess(InstanceContext context);

    /// <summary>Checks that what the process needs exists, returning a one-line fix when it does not.</summary>
    internal virtual string? FindMissingPrerequisite(HostPaths paths) => null;

    public override string ToString() => Name;
}

public interface IResource
{
    string Name { get; }
}

/// <summary>A resource other resources can reference by connection string (<c>ConnectionStrings__{name}</c>).</summary>
public interface IResourceWithConnectionString : IResource
{
    string GetConnectionString();
}

/// <summary>A resource other resources reach over HTTP (<c>services__{name}__http__0</c>).</summary>
public interface IResourceWithServiceDiscovery : IResource
{
    Uri GetPublicUrl();
}

/// <summary>
/// An endpoint: <see cref="Port"/> is what callers use (fixed in dev, free under tests); replicas get their own
/// target ports behind a proxy, as Aspire's endpoint proxies do.
/// </summary>
public sealed class EndpointSpec(string scheme, int? port, string? portEnvironmentVariable)
{
    public string Scheme { get; } = scheme;

    public int? RequestedPort { get; } = port;

    /// <summary>Environment variable that tells the process which port to bind (PORT for Node apps).</summary>
    public string? PortEnvironmentVariable { get; } = portEnvironmentVariable;

    public int Port { get; internal set; }

    public List<int> TargetPorts { get; } = [];

    public Uri Url => new($"{Scheme}://127.0.0.1:{Port}");
}

public abstract record HealthProbeSpec;

/// <summary>Ready when a TCP connection is accepted (Redis, Azurite).</summary>
public sealed record TcpHealthProbe : HealthProbeSpec;

/// <summary>Healthy when GET <see cref="Path"/> answers 2xx (services' /health).</summary>
public sealed record HttpHealthProbe(string Path) : HealthProbeSpec;

/// <summary>What to run for one replica of a resource.</summary>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment);

/// <summary>What a resource knows when it builds the command line for one replica.</summary>
public sealed record InstanceContext(int Port, IReadOnlyDictionary<string, string> Environment, HostPaths Paths);
