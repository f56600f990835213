import Hummingbird

extension ModelList: ResponseEncodable {}
extension ModelList.Model: ResponseEncodable {}
extension NodeHealth: ResponseEncodable {}
extension NodeRegistrationReply: ResponseEncodable {}
