"""HTCDS 2.0 code lists, as Django choices.

Value names are those of the Human Trafficking Case Data Standard 2.0 field standards
(UNMigration/HTCDS, `HTCDS Field Standards 2.0.ods`, sheet Field_Standards), by IOM, licensed
CC BY 4.0; labels are ours. Each class names the HTCDS field it codes; a test compares these lists with
the standard's CSV when ../shared is present.
"""

from django.db import models


class OrgType(models.TextChoices):
    """HTCDS `org_Type`."""

    NGO = "NGO", "NGO"
    LAW_ENFORCEMENT = "LawEnforcement", "Law enforcement"
    HEALTH_SERVICE_ORGANISATION = "HealthServiceOrganisation", "Health service organisation"
    CENTRAL_GOVERNMENT_ORGANISATION = "CentralGovernmentOrganisation", "Central government organisation"
    LOCAL_GOVERNMENT_ORGANISATION = "LocalGovernmentOrganisation", "Local government organisation"
    IMMIGRATION_SERVICE = "ImmigrationService", "Immigration service"
    LEGAL_SERVICE = "LegalService", "Legal service"
    CORPORATE_BUSINESS = "CorporateBusiness", "Corporate business"
    SCHOOL_OR_COLLEGE = "SchoolOrCollege", "School or college"


class Gender(models.TextChoices):
    """HTCDS `prs_Gender`."""

    FEMININE = "Feminine", "Feminine"
    MASCULINE = "Masculine", "Masculine"
    TRANSGENDER_FEMININE = "TransgenderFeminine", "Transgender feminine"
    TRANSGENDER_MASCULINE = "TransgenderMasculine", "Transgender masculine"
    NON_CONFORMING = "NonConforming", "Non conforming"
    NON_SPECIFIED_UNKNOWN = "NonSpecifiedUnknown", "Non specified unknown"


class MaritalStatus(models.TextChoices):
    """HTCDS `prs_MaritalStatus`."""

    SINGLE = "Single", "Single"
    MARRIED = "Married", "Married"
    WIDOWED = "Widowed", "Widowed"
    DIVORCED = "Divorced", "Divorced"
    SEPARATED = "Separated", "Separated"
    REGISTERED_PARTNERSHIP = "RegisteredPartnership", "Registered partnership"


class Education(models.TextChoices):
    """HTCDS `prs_HighestLevelOfEducation`."""

    EARLY_CHILDHOOD_EDUCATION = "EarlyChildhoodEducation", "Early childhood education"
    PRIMARY_EDUCATION = "PrimaryEducation", "Primary education"
    LOWER_SECONDARY_EDUCATION = "LowerSecondaryEducation", "Lower secondary education"
    UPPER_SECONDARY_EDUCATION = "UpperSecondaryEducation", "Upper secondary education"
    POST_SECONDARY_NON_TERTIARY_EDUCATION = (
        "PostSecondaryNonTertiaryEducation",
        "Post secondary non tertiary education",
    )
    SHORT_CYCLE_TERTIARY_EDUCATION = "ShortCycleTertiaryEducation", "Short cycle tertiary education"
    BACHELORS_OR_EQUIVALENT_LEVEL = "BachelorsOrEquivalentLevel", "Bachelors or equivalent level"
    MASTERS_OR_EQUIVALENT_LEVEL = "MastersOrEquivalentLevel", "Masters or equivalent level"
    DOCTORAL_OR_EQUIVALENT_LEVEL = "DoctoralOrEquivalentLevel", "Doctoral or equivalent level"


class TraffickingStatus(models.TextChoices):
    """HTCDS `vic_TraffickingStatus`."""

    POSSIBLE_VICTIM_OF_TRAFFICKING = "PossibleVictimOfTrafficking", "Possible victim of trafficking"
    ACTUAL_VICTIM_OF_TRAFFICKING = "ActualVictimOfTrafficking", "Actual victim of trafficking"
    NOT_A_VICTIM_OF_TRAFFICKING = "NotAVictimOfTrafficking", "Not a victim of trafficking"


class RelationshipToTrafficker(models.TextChoices):
    """HTCDS `vic_RelationshipToTrafficker`."""

    FAMILIAL = "Familial", "Familial"
    ACQUAINTED = "Acquainted", "Acquainted"
    UNAQUAINTED = "Unaquainted", "Unacquainted"


class WebsiteOrApp(models.TextChoices):
    """HTCDS `vic_RecruitmentWebsitesAndApps`."""

    FACEBOOK = "Facebook", "Facebook"
    INSTAGRAM = "Instagram", "Instagram"
    WHATS_APP = "WhatsApp", "WhatsApp"
    TELEGRAM = "Telegram", "Telegram"
    FACEBOOK_MESSENGER = "FacebookMessenger", "Facebook Messenger"
    VIBER = "Viber", "Viber"
    SNAP_CHAT = "SnapChat", "Snapchat"
    LINE = "Line", "Line"
    FOUR_SALE = "4Sale", "4sale"
    WE_CHAT = "WeChat", "WeChat"
    QQ = "QQ", "QQ"
    Q_ZONE = "QZone", "QZone"
    TIK_TOK = "TikTok", "TikTok"
    TWITTER = "Twitter", "Twitter"
    OTHER = "Other", "Other"


class MethodOfRecruitment(models.TextChoices):
    """HTCDS `vic_MethodOfRecruitment`."""

    AT_A_PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", "At a place of business"
    AT_AN_EDUCATIONAL_INSTITUTION = "AtAnEducationalInstitution", "At an educational institution"
    AT_WORK = "AtWork", "At work"
    THROUGH_ONLINE_SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks", "Through online social networks"
    THROUGH_AN_ONLINE_ADVERTISEMENT = "ThroughAnOnlineAdvertisement", "Through an online advertisement"
    THROUGH_A_TELEVISION_ADVERT = "ThroughATelevisionAdvert", "Through a television advert"
    THROUGH_A_NEWSPAPER_ADVERT = "ThroughANewspaperAdvert", "Through a newspaper advert"
    THROUGH_FAMILY_OR_FAMILY_EVENTS = "ThroughFamilyOrFamilyEvents", "Through family or family events"
    THROUGH_FRIENDS_OR_SOCIAL_EVENTS = "ThroughFriendsOrSocialEvents", "Through friends or social events"
    OTHER = "Other", "Other"


class MethodOfControl(models.TextChoices):
    """HTCDS `vic_MethodsOfControl`."""

    PHYSICAL_THREATS = "PhysicalThreats", "Physical threats"
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", "Threats law enforcement"
    THREATENS_CHILDREN_FAMILY = "ThreatensChildrenFamily", "Threatens children family"
    DEBT_BONDAGE = "DebtBondage", "Debt bondage"
    FALSE_PROMISES = "FalsePromises", "False promises"
    PHYSICAL_ABUSE = "PhysicalAbuse", "Physical abuse"
    SEXUAL_ABUSE = "SexualAbuse", "Sexual abuse"
    TAKES_EARNINGS = "TakesEarnings", "Takes earnings"
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", "Restricts financial access"
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", "Restricts medical care"
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", "Withholds necessities"
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", "Psychological abuse"
    PSYCHOACTIVE_SUBSTANCE = "PsychoactiveSubstance", "Psychoactive substance"
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours", "Excessive working hours"
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", "Withholds documents"
    OTHER = "Other", "Other"


class TypeOfExploitation(models.TextChoices):
    """HTCDS `vic_TypeOfExploitation`."""

    FORCED_LABOUR = "ForcedLabour", "Forced labour"
    SEXUAL_EXPLOITATION = "SexualExploitation", "Sexual exploitation"
    CHILD_LABOUR = "ChildLabour", "Child labour"
    FORCED_MARRIAGE = "ForcedMarriage", "Forced marriage"
    SERVITUDE = "Servitude", "Servitude"
    FORCED_MILITARY_BY_NON_STATE_ACTORS = (
        "ForcedMilitaryByNonStateActors",
        "Forced military by non state actors",
    )
    ORGAN_REMOVAL = "OrganRemoval", "Organ removal"
    FORCED_BEGGING = "ForcedBegging", "Forced begging"
    FORCED_ADOPTION = "ForcedAdoption", "Forced adoption"
    SURROGACY = "Surrogacy", "Surrogacy"
    OTHER = "Other", "Other"


class LabourIndustry(models.TextChoices):
    """HTCDS `vic_ForcedLabourIndustry`."""

    A_AGRICULTURE_FORESTRY_AND_FISHING = "A_AgricultureForestryAndFishing", "Agriculture forestry and fishing"
    B_MINING_AND_QUARRYING = "B_MiningAndQuarrying", "Mining and quarrying"
    C_MANUFACTURING = "C_Manufacturing", "Manufacturing"
    D_ELECTRICITY_GAS_STEAM_AND_AIR_CONDITIONING_SUPPLY = (
        "D_ElectricityGasSteamAndAirConditioningSupply",
        "Electricity gas steam and air conditioning supply",
    )
    E_WATER_SUPPLY_SEWERAGE_WASTE_MANAGEMENT = (
        "E_WaterSupplySewerageWasteManagement",
        "Water supply sewerage waste management",
    )
    F_CONSTRUCTION = "F_Construction", "Construction"
    G_WHOLESALE_AND_RETAIL_TRADE_REPAIR_OF_MOTOR_VEHICLES = (
        "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        "Wholesale and retail trade repair of motor vehicles",
    )
    H_TRANSPORTATION_AND_STORAGE = "H_TransportationAndStorage", "Transportation and storage"
    I_ACCOMMODATION_AND_FOOD_SERVICE_ACTIVITIES = (
        "I_AccommodationAndFoodServiceActivities",
        "Accommodation and food service activities",
    )
    J_INFORMATION_AND_COMMUNICATION = "J_InformationAndCommunication", "Information and communication"
    K_FINANCIAL_AND_INSURANCE_ACTIVITIES = (
        "K_FinancialAndInsuranceActivities",
        "Financial and insurance activities",
    )
    L_REAL_ESTATE_ACTIVITIES = "L_RealEstateActivities", "Real estate activities"
    M_PROFESSIONAL_SCIENTIFIC_AND_TECHNICAL_ACTIVITIES = (
        "M_ProfessionalScientificAndTechnicalActivities",
        "Professional scientific and technical activities",
    )
    N_ADMINISTRATIVE_AND_SUPPORT_SERVICE_ACTIVITIES = (
        "N_AdministrativeAndSupportServiceActivities",
        "Administrative and support service activities",
    )
    O_PUBLIC_ADMINISTRATION_AND_DEFENCE = (
        "O_PublicAdministrationAndDefence",
        "Public administration and defence",
    )
    P_EDUCATION = "P_Education", "Education"
    Q_HUMAN_HEALTH_AND_SOCIAL_WORK_ACTIVITIES = (
        "Q_HumanHealthAndSocialWorkActivities",
        "Human health and social work activities",
    )
    R_ARTS_ENTERTAINMENT_AND_RECREATION = (
        "R_ArtsEntertainmentAndRecreation",
        "Arts entertainment and recreation",
    )
    S_OTHER_SERVICE_ACTIVITIES = "S_OtherServiceActivities", "Other service activities"
    T_ACTIVITIES_OF_HOUSEHOLDS_AS_EMPLOYERS = (
        "T_ActivitiesOfHouseholdsAsEmployers",
        "Activities of households as employers",
    )
    U_ACTIVITIES_OF_EXTRATERRITORIAL_ORGANIZATIONS = (
        "U_ActivitiesOfExtraterritorialOrganizations",
        "Activities of extraterritorial organizations",
    )


class TypeOfSexExploitation(models.TextChoices):
    """HTCDS `vic_TypeOfSexExploitation`."""

    PROSTITUTION = "Prostitution", "Prostitution"
    PORNOGRAPHY = "Pornography", "Pornography"
    REMOTE_INTERACTIVE_SERVICES = "RemoteInteractiveServices", "Remote interactive services"
    PRIVATE_SEXUAL_SERVICES = "PrivateSexualServices", "Private sexual services"


class Vulnerability(models.TextChoices):
    """HTCDS `vic_Vulnerabilities`."""

    ADDICTION = "Addiction", "Addiction"
    SOCIAL_GROUP = "SocialGroup", "Social group"
    DISCRIMINATION = "Discrimination", "Discrimination"
    POVERTY = "Poverty", "Poverty"
    DISABILITY_AND_PHYSICAL_HEALTH = "DisabilityAndPhysicalHealth", "Disability and physical health"
    MENTAL_HEALTH = "MentalHealth", "Mental health"
    MIGRATION = "Migration", "Migration"
    HOMELESSNESS = "Homelessness", "Homelessness"
    ABUSE_SOCIAL_MEDIA = "AbuseSocialMedia", "Abuse social media"
    ABUSE_PHYSICAL = "AbusePhysical", "Abuse physical"
    EDUCATION = "Education", "Education"
    WORK_ENVIRONMENT = "WorkEnvironment", "Work environment"


class PerpetratorRole(models.TextChoices):
    """HTCDS `per_RoleInProcess`."""

    TRAVELLING_PARTNER = "TravellingPartner", "Travelling partner"
    TRANSPORTER = "Transporter", "Transporter"
    RECRUITER_OR_INTERMEDIARY = "RecruiterOrIntermediary", "Recruiter or intermediary"
    BROKER_TRAVEL_AGENT = "BrokerTravelAgent", "Broker travel agent"
    TRANSFERRED_INDIVIDUAL = "TransferredIndividual", "Transferred individual"
    HARBOURED_INDIVIDUAL = "HarbouredIndividual", "Harboured individual"
    SOLD_INDIVIDUAL = "SoldIndividual", "Sold individual"
    BOUGHT_INDIVIDUAL = "BoughtIndividual", "Bought individual"
    RECEIVED_INDIVIDUAL = "ReceivedIndividual", "Received individual"
    CONTROLLED_INDIVIDUAL = "ControlledIndividual", "Controlled individual"
    SMUGGLER = "Smuggler", "Smuggler"
    ABUSER = "Abuser", "Abuser"
    KIDNAPPER = "Kidnapper", "Kidnapper"
    EXPLOITER = "Exploiter", "Exploiter"
    OTHER = "Other", "Other"


class CaseStatus(models.TextChoices):
    """HTCDS `cas_Status`."""

    ACTIVE = "Active", "Active"
    FOLLOW_UP = "FollowUp", "Follow up"
    CLOSED = "Closed", "Closed"
    CLOSED_REFERRED = "ClosedReferred", "Closed referred"


class TraffickingEventType(models.TextChoices):
    """HTCDS `hte_Type`."""

    RECRUITMENT = "Recruitment", "Recruitment"
    TRANSIT = "Transit", "Transit"
    EXPLOITATION = "Exploitation", "Exploitation"


class SupportPlanType(models.TextChoices):
    """HTCDS `spl_Type`."""

    EDUCATION = "Education", "Education"
    FINANCIAL = "Financial", "Financial"
    HEALTH = "Health", "Health"
    LABOUR_EXPLOITATION_REHABILITATION = (
        "LabourExploitationRehabilitation",
        "Labour exploitation rehabilitation",
    )
    LEGAL = "Legal", "Legal"
    LIVELIHOOD = "Livelihood", "Livelihood"
    RIGHTS_BASED_TRAINING = "RightsBasedTraining", "Rights based training"
    SEXUAL_EXPLOITATION_REHABILITATION = (
        "SexualExploitationRehabilitation",
        "Sexual exploitation rehabilitation",
    )
    SOCIAL_CARE = "SocialCare", "Social care"


# The HTCDS field each code list belongs to (used by the conformance test and the exchange).
HTCDS_FIELD_CHOICES: dict[str, type[models.TextChoices]] = {
    "org_Type": OrgType,
    "prs_Gender": Gender,
    "prs_MaritalStatus": MaritalStatus,
    "prs_HighestLevelOfEducation": Education,
    "vic_TraffickingStatus": TraffickingStatus,
    "vic_RelationshipToTrafficker": RelationshipToTrafficker,
    "vic_RecruitmentWebsitesAndApps": WebsiteOrApp,
    "vic_MethodOfRecruitment": MethodOfRecruitment,
    "vic_MethodsOfControl": MethodOfControl,
    "vic_TypeOfExploitation": TypeOfExploitation,
    "vic_ForcedLabourIndustry": LabourIndustry,
    "vic_TypeOfSexExploitation": TypeOfSexExploitation,
    "vic_Vulnerabilities": Vulnerability,
    "per_RoleInProcess": PerpetratorRole,
    "cas_Status": CaseStatus,
    "hte_Type": TraffickingEventType,
    "spl_Type": SupportPlanType,
}
