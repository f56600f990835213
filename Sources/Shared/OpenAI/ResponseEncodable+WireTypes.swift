import Hummingbird

extension ModelList: ResponseEncodable {}
extension ModelList.Model: ResponseEncodable {}
extension NodeHealth: ResponseEncodable {}
extension NodeRegistrationReply: ResponseEncodable {}
extension NodeHeartbeatReply: ResponseEncodable {}
extension RegisteredModel: ResponseEncodable {}
extension RegisteredModelList: ResponseEncodable {}
