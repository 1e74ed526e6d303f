using System.Text.Json;
using Jockey.Bench.Measure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Jockey.Bench.Clients;

/// <summary>The official SignalR client on <c>/hubs/jockey</c> over WebSockets: <c>Subscribe(thread_id, 0)</c>, then <c>update</c> messages.</summary>
public sealed class SignalRSubscriber : Subscriber
{
    private readonly HubConnection _connection;

    public SignalRSubscriber(Uri replica)
    {
        _connection = new HubConnectionBuilder()
            .WithUrl(new Uri(replica, "/hubs/jockey"), HttpTransportType.WebSockets, options => options.SkipNegotiation = true)
            .Build();
        _connection.On<JsonElement>("update", ev => Receive(EventFields.From(ev)));
        _connection.On<JsonElement>("operation", _ => { });
        _connection.Closed += ex =>
        {
            if (ex is not null) Fail(ex);
            return Task.CompletedTask;
        };
    }

    public override async Task ConnectAsync(string threadId, CancellationToken ct)
    {
        await _connection.StartAsync(ct);
        await _connection.InvokeAsync("Subscribe", threadId, 0L, ct);
    }

    public override ValueTask DisposeAsync() => _connection.DisposeAsync();
}
