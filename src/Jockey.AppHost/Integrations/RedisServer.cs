using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jockey.AppHost.Integrations;

/// <summary>Debian's redis-server as an executable, in place of Aspire's Redis container (no container engine here).</summary>
public sealed class RedisServerResource(string name, string workingDirectory)
    : ExecutableResource(name, "redis-server", workingDirectory), IResourceWithConnectionString
{
    /// <summary>Generated per run, as Aspire generates the <c>{name}-password</c> parameter of its Redis.</summary>
    public string Password { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public EndpointReference Endpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.IPV4Host)}:{Endpoint.Property(EndpointProperty.Port)},password={Password}");
}

public static class RedisServerExtensions
{
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        var redis = new RedisServerResource(name, builder.RepositoryRoot());
        var healthCheck = $"{name}_ping";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, ct => PingAsync(redis, ct));
        return builder.AddResource(redis)
            .WithEndpoint(name: "tcp", scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--requirepass");
                context.Args.Add(redis.Password);
                context.Args.Add("--save");
                context.Args.Add("");
            })
            .WithHealthCheck(healthCheck)
            .WithPrerequisite(Prerequisites.OnPath("redis-server"));
    }

    /// <summary>
    /// Keeps an append-only file in <paramref name="dataDirectory"/>/{name}, synced on every write, so a Redis that
    /// crashes and comes back has every event the API was told was written; with null, nothing is kept.
    /// </summary>
    public static IResourceBuilder<RedisServerResource> WithDataDirectory(this IResourceBuilder<RedisServerResource> builder, string? dataDirectory)
    {
        if (dataDirectory is null) return builder.WithArgs("--appendonly", "no");
        var folder = Path.Combine(dataDirectory, builder.Resource.Name);
        Directory.CreateDirectory(folder);
        return builder.WithArgs("--dir", folder, "--appendonly", "yes", "--appendfsync", "always");
    }

    /// <summary>How long a ping may take: a check that never ends is never repeated, so the resource would stay as it was.</summary>
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    private static Task<HealthCheckResult> PingAsync(RedisServerResource redis, CancellationToken ct) =>
        PingAsync(redis.Endpoint.Port, redis.Password, PingTimeout, ct);

    /// <summary>AUTH and PING over the endpoint callers use: a port that accepts is not yet a Redis that answers.</summary>
    internal static async Task<HealthCheckResult> PingAsync(int port, string password, TimeSpan timeout, CancellationToken ct)
    {
        // The endpoint is DCP's proxy, which may accept a connection while Redis is down or starting again and then
        // relay nothing: without a deadline the read below waits for ever, and Aspire runs no later check.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, deadline.Token);
            await using var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH {password}\r\nPING\r\n"), deadline.Token);
            var buffer = new byte[64];
            var reply = new StringBuilder();
            while (!reply.ToString().Contains("+PONG"))
            {
                var read = await stream.ReadAsync(buffer, deadline.Token);
                if (read == 0) return HealthCheckResult.Unhealthy($"redis closed the connection after '{reply}'");
                reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
                // An error (a wrong password, a Redis still loading its data) is the answer: waiting would only hide it.
                if (reply.ToString().Split("\r\n")[..^1].FirstOrDefault(line => line.StartsWith('-')) is { } error)
                {
                    return HealthCheckResult.Unhealthy($"redis answered '{error[1..]}'");
                }
            }
            return HealthCheckResult.Healthy();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"redis did not answer PING within {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
