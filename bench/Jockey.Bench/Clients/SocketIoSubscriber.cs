using System.Text.Json;
using Jockey.Bench.Measure;

namespace Jockey.Bench.Clients;

/// <summary>A Socket.IO client of the peer: emits <c>subscribe</c> (acknowledged once it joined the room), then receives <c>update</c>.</summary>
public sealed class SocketIoSubscriber : Subscriber
{
    private readonly Uri _server;
    private readonly SocketIoConnection _connection;

    public SocketIoSubscriber(Uri server)
    {
        _server = server;
        _connection = new SocketIoConnection(OnEvent);
    }

    public override async Task ConnectAsync(string threadId, CancellationToken ct)
    {
        await _connection.ConnectAsync(_server, ct);
        await _connection.EmitAsync("subscribe", threadId, ack: true, ct);
    }

    public override Exception? Failure => _connection.Failure;

    private void OnEvent(string name, ReadOnlyMemory<byte> packet)
    {
        if (name != "update") return;
        var reader = new Utf8JsonReader(packet.Span);
        reader.Read(); // [
        reader.Read(); // "update"
        reader.Read(); // {
        Receive(EventFields.Read(ref reader));
    }

    public override ValueTask DisposeAsync() => _connection.DisposeAsync();
}
