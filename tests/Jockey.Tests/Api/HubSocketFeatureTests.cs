using System.Net.WebSockets;
using Jockey.ApiService.Streaming.Backplane;
using Jockey.ApiService.Streaming.HubSockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Jockey.Tests.Api;

/// <summary>
/// A hub socket is its own feature collection (no dictionary per connection): what SignalR and the backplane read and
/// set on it behaves as ASP.NET Core's <see cref="FeatureCollection"/> does.
/// </summary>
public sealed class HubSocketFeatureTests : IDisposable
{
    private readonly WebSocket _socket = WebSocket.CreateFromStream(new MemoryStream(), new WebSocketCreationOptions { IsServer = true });
    private readonly DefaultHttpContext _request = new();

    public void Dispose() => _socket.Dispose();

    private HubSocketConnection Connection() => new("replica.conn", _socket, _request);

    [Fact]
    public void The_connection_is_each_of_its_own_features()
    {
        var connection = Connection();
        var features = connection.Features;

        Assert.Same(connection, features.Get<IConnectionIdFeature>());
        Assert.Same(connection, features.Get<IConnectionTransportFeature>());
        Assert.Same(connection, features.Get<IConnectionHeartbeatFeature>());
        Assert.Same(connection, features.Get<ITransferFormatFeature>());
        Assert.Same(_request, features.Get<IHttpContextFeature>()!.HttpContext);
        Assert.Null(features.Get<IHttpRequestFeature>());
        Assert.Null(features[typeof(HubSocketConnection)]);
    }

    [Fact]
    public void What_others_set_is_read_back_replaced_and_removed_and_counts_as_a_revision()
    {
        var features = Connection().Features;
        var first = new GroupMembership();
        var second = new GroupMembership();
        var revision = features.Revision;

        features.Set(first);
        Assert.Same(first, features.Get<GroupMembership>());
        features.Set(second);
        Assert.Same(second, features.Get<GroupMembership>());
        Assert.Equal(revision + 2, features.Revision);

        features[typeof(GroupMembership)] = null;
        Assert.Null(features.Get<GroupMembership>());
        Assert.False(features.IsReadOnly);
    }

    [Fact]
    public void A_feature_set_over_one_of_its_own_wins_until_it_is_removed()
    {
        var connection = Connection();
        var features = connection.Features;
        var user = new OtherUser();

        features.Set<IConnectionUserFeature>(user);
        Assert.Same(user, features.Get<IConnectionUserFeature>());
        Assert.Single(features, feature => feature.Key == typeof(IConnectionUserFeature));

        features.Set<IConnectionUserFeature>(null);
        Assert.Same(connection, features.Get<IConnectionUserFeature>());
    }

    [Fact]
    public void Enumerating_lists_every_feature_once()
    {
        var connection = Connection();
        var membership = new GroupMembership();
        connection.Features.Set(membership);

        var listed = connection.Features.ToList();

        Assert.Equal(listed.Count, listed.Select(feature => feature.Key).Distinct().Count());
        Assert.Contains(listed, feature => feature.Key == typeof(GroupMembership) && ReferenceEquals(feature.Value, membership));
        Assert.Contains(listed, feature => feature.Key == typeof(IConnectionLifetimeFeature) && ReferenceEquals(feature.Value, connection));
        Assert.Equal(9, listed.Count);
    }

    private sealed class OtherUser : IConnectionUserFeature
    {
        public System.Security.Claims.ClaimsPrincipal? User { get; set; }
    }
}
