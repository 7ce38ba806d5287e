"""Word lists of the topic taxonomy: families of research subjects with their suffixes and prefixes.

A topic name is `[prefix] subject suffix` ("Healthcare CRM Software", "Kubernetes Security").
"""

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Family:
    """Topics of one category: every subject combines with every suffix and prefix."""

    type: str
    industry: str
    category: str
    subjects: tuple[str, ...]
    suffixes: tuple[str, ...]
    prefixes: tuple[str, ...]
    audience: tuple[str, ...] = ()  # company industries whose people research it most


B2B_PREFIXES: Final = (
    "Enterprise", "Cloud-Based", "AI-Powered", "Open Source", "Small Business", "Mid-Market",
    "Managed", "Automated", "Global", "Healthcare", "Retail", "Manufacturing",
    "Financial Services", "Public Sector", "Nonprofit", "Startup", "SaaS",
)  # fmt: skip
GOODS_PREFIXES: Final = (
    "Best", "Top", "Affordable", "Premium", "Budget", "Cheap", "Luxury", "Eco-Friendly",
)  # fmt: skip
SERVICE_PREFIXES: Final = ("Best", "Top", "Affordable", "Local", "Online", "Trusted", "Budget")

_SOFTWARE: Final = ("computer software", "internet", "information technology and services")
_IT: Final = ("information technology and services", "computer and network security")
_FINANCE: Final = ("financial services", "banking", "accounting", "investment management")


def _b2b(
    industry: str, category: str, subjects: str, suffixes: str, audience: tuple[str, ...]
) -> Family:
    return Family(
        "b2b", industry, category, _split(subjects), _split(suffixes), B2B_PREFIXES, audience
    )


def _b2c(industry: str, category: str, subjects: str, suffixes: str, goods: bool) -> Family:
    prefixes = GOODS_PREFIXES if goods else SERVICE_PREFIXES
    return Family("b2c", industry, category, _split(subjects), _split(suffixes), prefixes)


def _split(words: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in words.split(";"))


FAMILIES: Final = (
    _b2b("software", "crm", "CRM; Sales Automation; Lead Management; Pipeline Management; "
         "Contact Management; Customer Data Platform; Sales Engagement; "
         "Partner Relationship Management; Field Sales; Quote-to-Cash",
         "Software; Platforms; Tools; Pricing; Implementation; Integration; Vendors; "
         "Best Practices; ROI; Migration", _SOFTWARE),
    _b2b("software", "marketing technology", "Marketing; Marketing Automation; Email Marketing; "
         "SEO; Content Marketing; Social Media Management; Marketing Attribution; "
         "Demand Generation; Influencer Marketing; Web Analytics; Conversion Rate Optimization",
         "Software; Tools; Platforms; Strategy; Analytics; Agencies; Best Practices; ROI; "
         "Benchmarks; Trends", ("marketing and advertising", "online media", "internet")),
    _b2b("information technology", "cybersecurity", "Kubernetes; Endpoint; Network; Cloud; "
         "Email; Identity; Application; API; Container; Zero Trust; Data; Mobile; IoT",
         "Security; Threat Detection; Compliance; Monitoring; Vulnerability Management; "
         "Incident Response; Best Practices; Solutions; Audits", _IT),
    _b2b("information technology", "cloud infrastructure", "Kubernetes; Serverless; "
         "Multi-Cloud; Hybrid Cloud; Container Orchestration; Infrastructure as Code; "
         "Edge Computing; Virtual Machine; Object Storage; CDN",
         "Management; Cost Optimization; Migration; Monitoring; Platforms; Providers; "
         "Architecture; Automation; Best Practices", _IT),
    _b2b("information technology", "data and analytics", "Data Warehouse; Data Lake; "
         "Business Intelligence; ETL; Data Governance; Master Data Management; Data Quality; "
         "Real-Time Analytics; Data Catalog; Reverse ETL",
         "Software; Tools; Platforms; Architecture; Consulting; Best Practices; Pricing; "
         "Vendors; Migration", _SOFTWARE),
    _b2b("software", "artificial intelligence", "Generative AI; Large Language Model; "
         "Machine Learning; Computer Vision; Natural Language Processing; AI Agent; MLOps; "
         "Predictive Analytics; Conversational AI; Speech Recognition",
         "Platforms; Tools; Use Cases; Governance; Implementation; Vendors; Consulting; "
         "Ethics; Training", _SOFTWARE),
    _b2b("software", "collaboration", "Project Management; Video Conferencing; Team Chat; "
         "Document Management; Knowledge Management; Workflow Automation; Intranet; "
         "Digital Whiteboard; E-Signature; Time Tracking",
         "Software; Tools; Apps; Pricing; Integration; Comparison; Best Practices; Adoption",
         ("computer software", "management consulting", "internet")),
    _b2b("software", "developer tools", "CI/CD; Code Review; API Management; Observability; "
         "Application Performance Monitoring; Feature Flag; Low-Code; Version Control; "
         "Test Automation; Log Management",
         "Tools; Platforms; Pricing; Best Practices; Alternatives; Integration; Benchmarks",
         _SOFTWARE),
    _b2b("financial services", "fintech", "Payment Processing; Expense Management; "
         "Accounts Payable; Invoicing; Corporate Card; Payroll; Treasury Management; "
         "Revenue Recognition; Billing; Procurement",
         "Software; Automation; Platforms; Solutions; Compliance; Pricing; Providers; "
         "Integration", _FINANCE),
    _b2b("financial services", "business lending", "Business Loan; Commercial Banking; "
         "Equipment Financing; Line of Credit; Invoice Factoring; SBA Loan; "
         "Merchant Cash Advance; Trade Finance",
         "Rates; Providers; Requirements; Comparison; Terms; Eligibility", _FINANCE),
    _b2b("financial services", "accounting and tax", "Corporate Tax; Sales Tax; Audit; "
         "Financial Reporting; Bookkeeping; Transfer Pricing; ESG Reporting; Lease Accounting",
         "Software; Services; Compliance; Automation; Outsourcing; Regulations; "
         "Best Practices", ("accounting", "financial services")),
    _b2b("human resources", "hr technology", "Applicant Tracking; Employee Onboarding; "
         "Performance Management; Employee Engagement; Benefits Administration; "
         "Workforce Planning; Learning Management; HRIS; Compensation Management; "
         "Employee Recognition",
         "Software; Systems; Platforms; Best Practices; Vendors; Pricing; Implementation; "
         "Trends", ("human resources", "staffing and recruiting")),
    _b2b("human resources", "talent and workplace", "Remote Work; Hybrid Work; "
         "Diversity and Inclusion; Employer Branding; Talent Acquisition; Employee Retention; "
         "Succession Planning; Executive Search; Contract Staffing; Leadership Development",
         "Strategy; Best Practices; Trends; Programs; Services; Consulting; Benchmarks",
         ("human resources", "staffing and recruiting", "management consulting")),
    _b2b("marketing and advertising", "advertising", "Programmatic Advertising; Connected TV; "
         "Retail Media; Search Advertising; Display Advertising; Affiliate Marketing; "
         "Video Advertising; Native Advertising; Out-of-Home; Podcast Advertising",
         "Platforms; Agencies; Pricing; Trends; Measurement; Strategy; Benchmarks; ROI",
         ("marketing and advertising", "online media", "media production")),
    _b2b("logistics and supply chain", "supply chain", "Warehouse Management; Fleet Management; "
         "Freight; Last-Mile Delivery; Inventory Management; Demand Planning; Cold Chain; "
         "Route Optimization; Supplier Management; Reverse Logistics",
         "Software; Solutions; Services; Optimization; Providers; Automation; Costs; "
         "Best Practices", ("logistics and supply chain", "transportation", "retail")),
    _b2b("manufacturing", "industrial technology", "Predictive Maintenance; Industrial IoT; "
         "Robotics; 3D Printing; Quality Management; Computer-Aided Design; MES; "
         "Lean Manufacturing; Digital Twin; PLC Programming",
         "Software; Solutions; Systems; Equipment; Implementation; ROI; Vendors; Training",
         ("industrial automation", "machinery", "automotive")),
    _b2b("healthcare", "health technology", "Electronic Health Record; Telehealth; "
         "Revenue Cycle Management; Medical Billing; Patient Engagement; Clinical Trial; "
         "Remote Patient Monitoring; Healthcare Analytics; Practice Management; Medical Imaging",
         "Software; Systems; Solutions; Compliance; Vendors; Implementation; Pricing; Trends",
         ("hospital and health care", "medical devices", "pharmaceuticals")),
    _b2b("legal", "legal and compliance", "Contract Management; E-Discovery; GDPR; SOC 2; "
         "HIPAA; Data Privacy; Anti-Money Laundering; Whistleblower; Intellectual Property; "
         "Regulatory",
         "Software; Compliance; Requirements; Consulting; Audits; Best Practices; Training; "
         "Checklist", ("legal services", "law practice", "banking")),
    _b2b("real estate", "commercial real estate", "Office Space; Coworking Space; "
         "Industrial Real Estate; Property Management; Commercial Leasing; Facility Management; "
         "Data Center Colocation",
         "Rates; Providers; Software; Trends; Market Analysis; Services",
         ("real estate", "construction")),
    _b2b("telecommunications", "networking and telecom", "SD-WAN; 5G; VoIP; "
         "Unified Communications; Contact Center; Fiber Internet; Wi-Fi 6; Network Monitoring; "
         "SASE; Private LTE",
         "Providers; Solutions; Pricing; Deployment; Security; Comparison; Vendors",
         ("telecommunications", "information technology and services")),
    _b2b("education", "corporate learning", "Sales Training; Leadership Training; "
         "Compliance Training; Cybersecurity Awareness; Technical Certification; Microlearning; "
         "Online Course; Executive Coaching",
         "Programs; Platforms; Providers; Best Practices; Costs; Software",
         ("e-learning", "education management", "human resources")),
    _b2b("energy", "energy and sustainability", "Carbon Accounting; Renewable Energy; "
         "Energy Management; EV Fleet; Solar Power; Sustainability Reporting; Carbon Offset; "
         "Battery Storage",
         "Software; Solutions; Providers; Regulations; Costs; Strategy; Incentives",
         ("renewables and environment", "utilities", "oil and energy")),
    _b2b("retail", "ecommerce operations", "Ecommerce Platform; Headless Commerce; "
         "Product Information Management; Order Management; Point of Sale; "
         "Subscription Billing; Marketplace; Omnichannel Retail; Loyalty Program; "
         "Customer Review",
         "Software; Platforms; Solutions; Integration; Pricing; Best Practices; Vendors",
         ("retail", "consumer goods", "apparel and fashion")),
    _b2b("professional services", "consulting", "Management Consulting; Digital Transformation; "
         "Change Management; Business Process Outsourcing; Managed IT; Strategy Consulting; "
         "Mergers and Acquisitions; Due Diligence; Market Research; Customer Experience",
         "Services; Firms; Providers; Costs; Best Practices; Trends; Frameworks",
         ("management consulting", "investment management")),
    _b2b("software", "customer service", "Help Desk; Live Chat; Chatbot; Customer Feedback; "
         "Net Promoter Score; Call Center; Ticketing; Self-Service Portal; Customer Success; "
         "Field Service Management",
         "Software; Platforms; Tools; Metrics; Best Practices; Pricing; Automation; Integration",
         ("computer software", "retail", "telecommunications")),
    _b2b("insurance", "commercial insurance", "Cyber; General Liability; Workers Compensation; "
         "Directors and Officers; Business Owners Policy; Professional Liability; "
         "Commercial Auto; Key Person",
         "Insurance; Coverage; Quotes; Rates; Providers; Claims; Requirements",
         ("insurance", "financial services")),
    _b2c("consumer electronics", "electronics", "Smartphone; Laptop; Wireless Earbuds; "
         "Smartwatch; 4K TV; Gaming Console; Tablet; Mirrorless Camera; Soundbar; E-Reader; "
         "Drone; Robot Vacuum",
         "Reviews; Deals; Prices; Comparison; Buying Guide; Accessories; Repair; Brands", True),
    _b2c("automotive", "cars", "Electric Vehicle; Hybrid SUV; Pickup Truck; Used Car; Minivan; "
         "Luxury Sedan; Car Lease; Motorcycle; Car Insurance; EV Charger",
         "Prices; Reviews; Deals; Financing; Comparison; Buying Guide; Maintenance; Rebates",
         True),
    _b2c("travel", "travel", "Beach Vacation; Ski Resort; Cruise; Europe Travel; "
         "Caribbean Resort; National Park; Road Trip; Honeymoon; All-Inclusive Resort; "
         "City Break; Family Vacation; Safari",
         "Deals; Packages; Itinerary; Ideas; Booking; Reviews; Tips; Costs", False),
    _b2c("personal finance", "personal finance", "Credit Card; Mortgage; Personal Loan; "
         "Retirement Savings; Student Loan; Savings Account; Index Fund; Cryptocurrency; "
         "Home Equity; Budgeting App; Life Insurance; Tax Filing",
         "Rates; Comparison; Tips; Calculator; Reviews; Offers; Strategy; Apps", False),
    _b2c("health and fitness", "fitness", "Home Gym; Running Shoes; Yoga; Weight Loss; "
         "Protein Powder; Meal Kit; Fitness Tracker; Pilates; Meditation App; Cycling; "
         "Strength Training; Marathon Training",
         "Programs; Reviews; Tips; Plans; Classes; Deals; Guide; Equipment", True),
    _b2c("home and garden", "home improvement", "Kitchen Remodel; Bathroom Renovation; "
         "Smart Home; Solar Panel; Roofing; Flooring; Home Security; Landscaping; HVAC; "
         "Window Replacement; Furniture; Mattress",
         "Costs; Ideas; Contractors; Reviews; Deals; Financing; Trends; Installation", True),
    _b2c("fashion", "fashion and beauty", "Sneakers; Skincare; Designer Handbag; Wedding Dress; "
         "Sustainable Fashion; Jewelry; Sunglasses; Hair Care; Fragrance; Activewear; Watch; "
         "Makeup",
         "Trends; Brands; Deals; Reviews; Sales; Ideas; Gift Ideas; Online Shopping", True),
    _b2c("entertainment", "media and entertainment", "Streaming Service; Concert; Video Game; "
         "Board Game; Podcast; Audiobook; Movie; Theme Park; Music Festival; Esports",
         "Subscriptions; Deals; Reviews; Recommendations; Prices; Tickets; Schedule; Releases",
         False),
    _b2c("food and beverage", "food and drink", "Coffee Maker; Wine Club; Restaurant Delivery; "
         "Grocery Delivery; Plant-Based Food; Craft Beer; Cooking Class; Air Fryer; "
         "Espresso Machine; Organic Food",
         "Reviews; Deals; Subscriptions; Recipes; Near Me; Comparison; Brands; Prices", True),
    _b2c("education", "consumer education", "Online MBA; Coding Bootcamp; Language Learning; "
         "Test Prep; Online Degree; Tutoring; Study Abroad; Data Science Course; "
         "Nursing Program; Continuing Education",
         "Programs; Costs; Reviews; Rankings; Scholarships; Admissions; Comparison", False),
    _b2c("real estate", "residential real estate", "Home Buying; Apartment Rental; Condo; "
         "Vacation Rental; First-Time Home Buyer; Home Appraisal; Real Estate Agent; "
         "Home Inspection; Moving Company; Senior Living",
         "Prices; Listings; Tips; Costs; Near Me; Reviews; Market Trends; Checklist", False),
    _b2c("family and pets", "family and pets", "Baby Stroller; Car Seat; Daycare; Summer Camp; "
         "Dog Food; Pet Insurance; Cat Litter; Toys; Kids Tablet; Veterinary Care; "
         "Dog Training",
         "Reviews; Deals; Costs; Near Me; Comparison; Tips; Brands; Safety Ratings", True),
    _b2c("health and fitness", "health and wellness", "Dental Implant; LASIK; Hearing Aid; "
         "Vitamins; Sleep Apnea; Physical Therapy; Telemedicine; Health Insurance; "
         "Allergy Relief; Mental Health App",
         "Costs; Reviews; Providers; Near Me; Options; Coverage; Comparison; Treatment", False),
)  # fmt: skip
