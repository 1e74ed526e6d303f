using System.Security.Cryptography;

namespace Jockey.AppHost.Hosting;

/// <summary>Debian's redis-server as a local process, in place of Aspire's Redis container.</summary>
public sealed class RedisResource(string name) : Resource(name), IResourceWithConnectionString
{
    public override string Kind => "Executable (redis-server)";

    /// <summary>Generated per run, as Aspire generates the <c>{name}-password</c> parameter.</summary>
    public string Password { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Set by WithDataVolume (except under tests): the folder the append-only file lives in.</summary>
    public string? DataDirectory { get; internal set; }

    public string GetConnectionString() => $"127.0.0.1:{Endpoint!.Port},password={Password}";

    internal override string? FindMissingPrerequisite(HostPaths paths) =>
        Executables.Find("redis-server") is null ? "redis-server not found: run ./scripts/dev.sh, which installs it" : null;

    internal override ProcessSpec CreateProcess(InstanceContext context)
    {
        List<string> args = ["--bind", "127.0.0.1", "--port", context.Port.ToString(), "--requirepass", Password, "--save", ""];
        if (DataDirectory is not null)
        {
            Directory.CreateDirectory(DataDirectory);
            args.AddRange(["--dir", DataDirectory, "--appendonly", "yes"]);
        }
        else
        {
            args.AddRange(["--appendonly", "no"]);
        }
        return new ProcessSpec("redis-server", args, context.Paths.RepositoryRoot, context.Environment);
    }
}

public static class RedisBuilderExtensions
{
    public static IResourceBuilder<RedisResource> AddRedis(this DistributedApplicationBuilder builder, string name)
    {
        var redis = builder.AddResource(new RedisResource(name));
        redis.Resource.Endpoint = new EndpointSpec("tcp", null, null);
        redis.Resource.HealthProbe = new TcpHealthProbe();
        return redis;
    }

    /// <summary>Keeps Redis data across runs in the AppHost's data folder (ignored under tests).</summary>
    public static IResourceBuilder<RedisResource> WithDataVolume(this IResourceBuilder<RedisResource> builder)
    {
        if (!builder.ApplicationBuilder.IsTesting)
        {
            builder.Resource.DataDirectory = Path.Combine(builder.ApplicationBuilder.Paths.DataDirectory, builder.Resource.Name);
        }
        return builder;
    }
}
