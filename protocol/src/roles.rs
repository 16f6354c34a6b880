//! Who may do what on a site, by role: one set of rules that the relay enforces and the console
//! follows (it shows only what the relay would allow).

use serde::{Deserialize, Serialize};

/// Role of an operator account on a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Operator,
}

impl Role {
    /// Owners and admins run the site: settings, the team, canned replies, bans, reports; they
    /// see every chat and assign them.
    pub fn manages_site(self) -> bool {
        self != Role::Operator
    }

    /// Whether this role may add a member with the role `new`: admins only the owner makes.
    pub fn may_add(self, new: Role) -> bool {
        match new {
            Role::Owner => false,
            Role::Admin => self == Role::Owner,
            Role::Operator => self.manages_site(),
        }
    }

    /// Whether this role may remove a member with the role `member` (nobody removes the owner;
    /// removing oneself is refused apart).
    pub fn may_remove(self, member: Role) -> bool {
        match member {
            Role::Owner => false,
            Role::Admin => self == Role::Owner,
            Role::Operator => self.manages_site(),
        }
    }

    /// Whether this role may change the photo of a member with the role `member` (everyone
    /// changes his own).
    pub fn may_change_photo_of(self, member: Role) -> bool {
        self == Role::Owner || (self == Role::Admin && member == Role::Operator)
    }

    /// Only the owner ends a member's sessions everywhere (a lost phone, a shared computer).
    pub fn signs_members_out(self) -> bool {
        self == Role::Owner
    }

    /// Only the owner changes contact masking: it decides what admins themselves may see.
    pub fn changes_masking(self) -> bool {
        self == Role::Owner
    }
}

#[cfg(test)]
mod tests {
    use crate::Role::{self, Admin, Operator, Owner};

    const ROLES: [Role; 3] = [Owner, Admin, Operator];

    #[test]
    fn the_owner_makes_admins_admins_make_operators_operators_nobody() {
        let table: Vec<(Role, Role, bool)> = ROLES
            .iter()
            .flat_map(|&actor| {
                ROLES
                    .iter()
                    .map(move |&new| (actor, new, actor.may_add(new)))
            })
            .collect();
        let allowed: Vec<(Role, Role)> = table.iter().filter(|t| t.2).map(|t| (t.0, t.1)).collect();
        assert_eq!(
            allowed,
            vec![(Owner, Admin), (Owner, Operator), (Admin, Operator)]
        );
    }

    #[test]
    fn nobody_removes_the_owner_only_the_owner_removes_admins() {
        for actor in ROLES {
            assert!(!actor.may_remove(Owner));
            assert_eq!(actor.may_remove(Admin), actor == Owner);
            assert_eq!(actor.may_remove(Operator), actor != Operator);
        }
    }

    #[test]
    fn photos_owner_tools_and_who_runs_the_site() {
        assert!(Owner.may_change_photo_of(Admin) && Owner.may_change_photo_of(Operator));
        assert!(Admin.may_change_photo_of(Operator) && !Admin.may_change_photo_of(Admin));
        assert!(!Operator.may_change_photo_of(Operator));
        assert_eq!(ROLES.map(Role::signs_members_out), [true, false, false]);
        assert_eq!(ROLES.map(Role::changes_masking), [true, false, false]);
        assert_eq!(ROLES.map(Role::manages_site), [true, true, false]);
    }
}
