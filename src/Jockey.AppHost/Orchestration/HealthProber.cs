using System.Net.Sockets;
using Jockey.AppHost.Hosting;

namespace Jockey.AppHost.Orchestration;

/// <summary>Asks one replica whether it is healthy: a TCP connect, or GET on its health path answering 2xx.</summary>
internal static class HealthProber
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    public static async Task<(bool Healthy, string? Detail)> ProbeAsync(HealthProbeSpec probe, int port, CancellationToken cancellationToken)
    {
        try
        {
            switch (probe)
            {
                case TcpHealthProbe:
                    using (var client = new TcpClient())
                    {
                        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                    }
                    return (true, null);
                case HttpHealthProbe http:
                    using (var response = await Http.GetAsync($"http://127.0.0.1:{port}{http.Path}", cancellationToken))
                    {
                        return response.IsSuccessStatusCode
                            ? (true, null)
                            : (false, $"GET {http.Path} answered {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync(cancellationToken))}");
                    }
                default:
                    return (true, null);
            }
        }
        catch (Exception ex) when (ex is SocketException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (false, ex.Message);
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
